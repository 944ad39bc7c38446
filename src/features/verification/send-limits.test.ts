// Send limits (issue 10): at most 3 messages per purpose per (address, client) and per user per fixed
// hour, 10 per address, 20 per client, counted atomically before anything branches; bursts in parallel
// cannot get past them. Requests from one client here; many clients are in send-limits.pair.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const errorOf = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];
const mailCount = async (recipient: string, template: string) =>
  (
    await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox_messages WHERE recipient = $1 AND template = $2",
      [recipient, template],
    )
  )[0]?.n;
/** One client (one CF-Connecting-IP) for the requests of this file that must share an allowance. */
let one: TestClient;
beforeAll(() => {
  one = ctx.client();
});
const forgot = (email: string) => one.request("/auth/password/forgot", { json: { email }, origin: null });
const askByAddress = (email: string) => one.request("/auth/email/verify/request", { json: { email }, origin: null });
/** An unverified user made in SQL, so no signup mail has used up any of the hour's allowance. */
async function unverifiedUser(label: string): Promise<string> {
  const email = uniqueEmail(label);
  await ctx.sql("INSERT INTO users (id, email, updated_at) VALUES (gen_random_uuid(), $1, now())", [email]);
  return email;
}

describe("Send limits: email verification", () => {
  it("Send limits: the 4th verification mail within an hour is not sent (signed in: 429; by address: the usual 202)", async () => {
    const email = uniqueEmail("v-limit");
    const client = await signUpBrowser(ctx, email); // signup's mail is the first of three
    const again = () => client.request("/auth/email/verify/request", { method: "POST" });
    expect([(await again()).status, (await again()).status]).toEqual([202, 202]);
    const fourth = await again();
    expect(await errorOf(fourth)).toEqual([429, "too_many_attempts"]);
    expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThan(3000);
    const byAddress = await client.request("/auth/email/verify/request", { json: { email } });
    const unknown = await askByAddress(uniqueEmail("nobody"));
    expect([byAddress.status, await byAddress.text()]).toEqual([unknown.status, await unknown.text()]);
    expect(await mailCount(email, "email_verification")).toBe(3);
  });

  it("Send limits: 6 verification requests in parallel send at most 3 mails", async () => {
    const email = await unverifiedUser("v-burst");
    const answers = await Promise.all(Array.from({ length: 6 }, () => askByAddress(email)));
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(await mailCount(email, "email_verification")).toBe(3);
  });

  it("Send limits: signup's mail counts too: past the limit a taken address's owner gets no more notices", async () => {
    const email = uniqueEmail("v-taken");
    const client = ctx.client();
    const json = { email, password: STRONG_PASSWORD, client: "api" };
    expect((await client.request("/auth/signup", { json, origin: null })).status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await client.request("/auth/signup", { json: { email, password: STRONG_PASSWORD } });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([202, 202, 202, 202]);
    expect(await mailCount(email, "email_verification")).toBe(1);
    expect(await mailCount(email, "signup_attempt_notice")).toBe(2);
  });

  it("Send limits: one client gets at most 20 verification mails an hour, whatever the addresses", async () => {
    const emails: string[] = [];
    for (let i = 0; i < 21; i++) emails.push(await unverifiedUser("v-client"));
    const client = ctx.client();
    for (const email of emails) {
      const response = await client.request("/auth/email/verify/request", { json: { email }, origin: null });
      expect(response.status).toBe(202);
    }
    const counts = await Promise.all(emails.map((email) => mailCount(email, "email_verification")));
    expect(counts.slice(0, 20)).toEqual(Array(20).fill(1));
    expect(counts[20]).toBe(0);
  });
});

describe("Send limits: password reset", () => {
  it("Send limits: the 4th forgot-password request within an hour sends no mail, and an unknown address answers the same across the limit", async () => {
    const own = await setUpAuthTest();
    const known = (await signUpApi(own)).email;
    const unknown = uniqueEmail("ghost");
    const client = own.client();
    const ask = (email: string) => client.request("/auth/password/forgot", { json: { email }, origin: null });
    const answers: Array<[number, string]> = [];
    for (let i = 0; i < 4; i++) {
      for (const email of [known, unknown]) {
        const response = await ask(email);
        answers.push([response.status, await response.text()]);
      }
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]?.[0]).toBe(202);
    const [mail] = await own.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox_messages WHERE recipient = $1 AND template = 'password_reset'",
      [known],
    );
    expect(mail?.n).toBe(3);
    // Both addresses were counted alike, the unknown one included, per address and per (address, client).
    const counted = await own.sql<{ failures: number }>(
      "SELECT failures FROM auth_counters WHERE key LIKE 'send:password_reset:account:%'",
    );
    expect(counted.map((row) => row.failures).sort()).toEqual([3, 3, 4, 4]); // the 4th stopped at its pair

    // A new hour allows three more.
    await own.sql(
      "UPDATE auth_counters SET window_started_at = window_started_at - interval '61 minutes' WHERE key LIKE 'send:%'",
    );
    expect((await ask(known)).status).toBe(202);
    const [later] = await own.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox_messages WHERE recipient = $1 AND template = 'password_reset'",
      [known],
    );
    expect(later?.n).toBe(4);
  });

  it("Send limits: 6 forgot-password requests in parallel send at most 3 mails", async () => {
    const { email } = await signUpApi(ctx);
    const answers = await Promise.all(Array.from({ length: 6 }, () => forgot(email)));
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(await mailCount(email, "password_reset")).toBe(3);
  });
});

describe("Send limits: email change and phone", () => {
  it("Send limits: the 4th email-change request within an hour sends no code; 6 in parallel send at most 3", async () => {
    const client = await signUpBrowser(ctx);
    const targets = Array.from({ length: 4 }, () => uniqueEmail("new"));
    const statuses: number[] = [];
    for (const email of targets)
      statuses.push((await client.request("/auth/email/change/request", { json: { email } })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const sent = await Promise.all(targets.map((email) => mailCount(email, "email_change_code")));
    expect(sent).toEqual([1, 1, 1, 0]);

    const burst = await signUpBrowser(ctx);
    const burstTargets = Array.from({ length: 6 }, () => uniqueEmail("burst"));
    const answers = await Promise.all(
      burstTargets.map((email) => burst.request("/auth/email/change/request", { json: { email } })),
    );
    expect(answers.filter((r) => r.status === 202)).toHaveLength(3);
    const burstSent = await Promise.all(burstTargets.map((email) => mailCount(email, "email_change_code")));
    expect(burstSent.reduce((a = 0, b = 0) => a + b, 0)).toBe(3);
  });

  it("Send limits: the 4th phone code within an hour is not sent; 6 in parallel send at most 3", async () => {
    const client = await signUpBrowser(ctx);
    const phone = `+1415556${String(Date.now()).slice(-4)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await client.request("/auth/phone/verify/request", { json: { phone } })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(await mailCount(phone, "phone_verification")).toBe(3);

    const burst = await signUpBrowser(ctx);
    const other = `+4420795${String(Date.now()).slice(-5)}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => burst.request("/auth/phone/verify/request", { json: { phone: other } })),
    );
    expect(answers.filter((r) => r.status === 202)).toHaveLength(3);
    expect(await mailCount(other, "phone_verification")).toBe(3);
  });
});
