// Wrong verification codes without a session (review of issue 10, D1/D4): delays per (address, client),
// the address-wide count only a cap that kills the open codes, and the same work and answer for a
// known and an unknown address.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { codeIn } from "../../../test/helpers/outbox.ts";

let strict: AuthTestContext;
beforeAll(async () => {
  strict = await setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" });
});

const errorOf = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];
const verify = (client: TestClient, email: string, code: string) =>
  client.request("/auth/email/verify", { json: { email, code }, origin: null });
const latestCode = async (email: string) =>
  codeIn(
    (
      await strict.sql<{ text: string | null }>(
        "SELECT text FROM outbox_messages WHERE recipient = $1 AND template = 'email_verification' ORDER BY created_at DESC LIMIT 1",
        [email],
      )
    )[0]?.text ?? null,
  );
const codeRows = (email: string) =>
  strict.sql<{ attempts: number; open: boolean }>(
    "SELECT v.attempts, v.consumed_at IS NULL AS open FROM verification_codes v JOIN users u ON u.id = v.user_id WHERE u.email = $1 ORDER BY v.created_at",
    [email],
  );
const wrong = (code: string, i: number) => {
  const guess = String(100000 + i);
  return guess === code ? String(999999 - i) : guess;
};

async function signedUp(owner: TestClient): Promise<{ email: string; code: string }> {
  const email = uniqueEmail("guess");
  expect((await owner.request("/auth/signup", { json: { email, password: STRONG_PASSWORD } })).status).toBe(202);
  return { email, code: await latestCode(email) };
}

describe("Code guesses without a session", () => {
  it("D4: wrong codes from rotating clients never keep the owner's right code answered 429; past the cap they kill open codes", async () => {
    const owner = strict.client();
    const { email, code } = await signedUp(owner);
    for (let i = 0; i < 12; i++)
      expect(await errorOf(await verify(strict.client(), email, wrong(code, i)))).toEqual([400, "invalid_code"]);
    // The first code died after 5 wrong tries; nothing was delayed for anyone.
    expect(await codeRows(email)).toEqual([{ attempts: 5, open: false }]);
    expect(await errorOf(await verify(owner, email, code))).toEqual([400, "invalid_code"]);

    // Past the address-wide cap, a stranger's wrong code kills the owner's fresh one …
    expect((await owner.request("/auth/email/verify/request", { json: { email }, origin: null })).status).toBe(202);
    const killed = await latestCode(email);
    expect(await errorOf(await verify(strict.client(), email, wrong(killed, 50)))).toEqual([400, "invalid_code"]);
    expect(await errorOf(await verify(owner, email, killed))).toEqual([400, "invalid_code"]);
    // … and the owner asks again and verifies from their own client at once.
    expect((await owner.request("/auth/email/verify/request", { json: { email }, origin: null })).status).toBe(202);
    const fresh = await latestCode(email);
    expect((await verify(strict.client(), email, fresh)).status).toBe(200);
    const left = await strict.sql("SELECT key FROM auth_counters WHERE key LIKE 'code:email_verification:%'");
    expect(left.length).toBeGreaterThan(0); // other clients' pairs stay; the address and this pair are cleared
    expect((await owner.request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).status).toBe(200);
  });

  it("D4: one client's wrong codes are delayed on its pair only: the owner's right code from another client gets 200", async () => {
    const owner = strict.client();
    const { email, code } = await signedUp(owner);
    const attacker = strict.client();
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await verify(attacker, email, wrong(code, i))).status);
    expect(answers).toEqual([400, 400, 400, 400, 400, 400, 429]);
    expect((await owner.request("/auth/email/verify/request", { json: { email }, origin: null })).status).toBe(202);
    expect((await verify(owner, email, await latestCode(email))).status).toBe(200);
  });

  it("D1: a wrong code for a known and an unknown address: same answer, and the same counters, from one statement each", async () => {
    const { email, code } = await signedUp(strict.client());
    const ghost = uniqueEmail("ghost");
    const client = strict.client();
    const known = await verify(client, email, wrong(code, 1));
    const unknown = await verify(client, ghost, wrong(code, 1));
    expect([known.status, await known.text()]).toEqual([unknown.status, await unknown.text()]);
    expect(known.status).toBe(400);
    const counters = await strict.sql<{ key: string; failures: number }>(
      "SELECT key, failures FROM auth_counters WHERE key LIKE 'code:email_verification:%' AND updated_at > now() - interval '1 minute' ORDER BY updated_at DESC LIMIT 4",
    );
    expect(counters.map((row) => row.failures)).toEqual([1, 1, 1, 1]);
    const audits = await strict.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'email.verification_failed' AND created_at > now() - interval '1 minute'",
    );
    expect(audits[0]?.n).toBeGreaterThanOrEqual(2);
    expect(await codeRows(email)).toEqual([{ attempts: 1, open: true }]);
    expect((await verify(client, email, code)).status).toBe(200);
  });
});
