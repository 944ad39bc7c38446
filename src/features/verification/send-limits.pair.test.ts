// Send limits across clients (review of issue 10, D2/D3): the tight limit is per (address, client), the
// address has a higher ceiling, and requests made before an address had an account never hold back
// its signup mail. Every request here comes from its own client (its own CF-Connecting-IP).
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { codeIn } from "../../../test/helpers/outbox.ts";

let strict: AuthTestContext;
beforeAll(async () => {
  strict = await setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" });
});

const errorOf = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];
/** Each call is a new client: a stranger on another network. */
const post = (path: string, json: unknown) => strict.client().request(path, { json, origin: null });
const mails = (recipient: string, template: string) =>
  strict.sql<{ text: string | null }>(
    "SELECT text FROM outbox_messages WHERE recipient = $1 AND template = $2 ORDER BY created_at DESC",
    [recipient, template],
  );
const counts = (prefix: string) =>
  strict.sql<{ key: string; failures: number }>("SELECT key, failures FROM auth_counters WHERE key LIKE $1", [
    `${prefix}%`,
  ]);

describe("Send limits: across clients", () => {
  it("Send limits: requests for an address made before it was registered never block its signup mail (D2)", async () => {
    const victim = uniqueEmail("future");
    // The attacker, before the victim signs up; an unknown address is counted like a known one.
    const attacker = strict.client();
    for (let i = 0; i < 3; i++) {
      expect(
        (await attacker.request("/auth/email/verify/request", { json: { email: victim }, origin: null })).status,
      ).toBe(202);
      expect((await attacker.request("/auth/password/forgot", { json: { email: victim }, origin: null })).status).toBe(
        202,
      );
    }
    for (let i = 0; i < 7; i++) await post("/auth/email/verify/request", { email: victim }); // the address ceiling
    expect((await counts("send:email_verification:account:")).some((row) => row.failures === 10)).toBe(true);

    const owner = strict.client();
    expect((await owner.request("/auth/signup", { json: { email: victim, password: STRONG_PASSWORD } })).status).toBe(
      202,
    );
    expect(await mails(victim, "email_verification")).toHaveLength(1);
    // The owner's own requests from their network go out too: a lost mail, and a reset link.
    expect((await owner.request("/auth/email/verify/request", { json: { email: victim }, origin: null })).status).toBe(
      202,
    );
    expect((await owner.request("/auth/password/forgot", { json: { email: victim }, origin: null })).status).toBe(202);
    const verification = await mails(victim, "email_verification");
    expect(verification).toHaveLength(2);
    expect(await mails(victim, "password_reset")).toHaveLength(1);
    const code = codeIn(verification[0]?.text ?? null);
    expect((await owner.request("/auth/email/verify", { json: { email: victim, code }, origin: null })).status).toBe(
      200,
    );
    expect((await owner.request("/auth/login", { json: { email: victim, password: STRONG_PASSWORD } })).status).toBe(
      200,
    );
  });

  it("Send limits: a stranger's 3 forgot-password requests leave the owner's own request its link (D3)", async () => {
    const email = uniqueEmail("d3");
    const signup = await strict.client().request("/auth/signup", { json: { email, password: STRONG_PASSWORD } });
    expect(signup.status).toBe(202);
    const attacker = strict.client();
    for (let i = 0; i < 4; i++)
      expect((await attacker.request("/auth/password/forgot", { json: { email }, origin: null })).status).toBe(202);
    expect(await mails(email, "password_reset")).toHaveLength(3);
    expect((await post("/auth/password/forgot", { email })).status).toBe(202);
    expect(await mails(email, "password_reset")).toHaveLength(4);
  });

  it("Send limits: from many clients an address still gets at most 10 messages per purpose an hour, known or unknown alike", async () => {
    const email = uniqueEmail("ceiling");
    await strict.sql("INSERT INTO users (id, email, updated_at) VALUES (gen_random_uuid(), $1, now())", [email]);
    const unknown = uniqueEmail("ceiling-ghost");
    const answers = await Promise.all(
      Array.from({ length: 14 }, (_, i) => post("/auth/password/forgot", { email: i % 2 ? unknown : email })),
    );
    const more = await Promise.all(Array.from({ length: 6 }, () => post("/auth/password/forgot", { email })));
    const bodies = await Promise.all([...answers, ...more].map(async (r) => `${r.status} ${await r.text()}`));
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toMatch(/^202 /);
    expect(await mails(email, "password_reset")).toHaveLength(10);
    const addressWide = (await counts("send:password_reset:account:")).filter((row) => !row.key.includes("|"));
    expect(addressWide.map((row) => row.failures)).toEqual(expect.arrayContaining([7, 13]));
  });

  it("Send limits: a signed-in user past their own limit still gets 429 from any client", async () => {
    const loose = await setUpAuthTest();
    const me = loose.client();
    expect(
      (await me.request("/auth/signup", { json: { email: uniqueEmail("own"), password: STRONG_PASSWORD } })).status,
    ).toBe(201);
    expect((await me.request("/auth/email/verify/request", { method: "POST" })).status).toBe(202);
    expect((await me.request("/auth/email/verify/request", { method: "POST" })).status).toBe(202);
    expect(await errorOf(await me.request("/auth/email/verify/request", { method: "POST" }))).toEqual([
      429,
      "too_many_attempts",
    ]);
  });
});
