// L1 and L3 (issue 10): an email change answers a taken address like a free one under the limit too,
// and revokes what was mailed to the old address; a reset writes the user's one password row.
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
import { codeIn, outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const NEW_PASSWORD = "a fresh and different passphrase";
const errorOf = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];
const login = (email: string, password: string) => ctx.client().request("/auth/login", { json: { email, password } });
const reset = (token: string) =>
  ctx.client().request("/auth/password/reset", { json: { token, password: NEW_PASSWORD }, origin: null });
const passwordRows = (userId: string) =>
  ctx.sql<{ id: string; provider_account_id: string; password_hash: string }>(
    "SELECT id, provider_account_id, password_hash FROM accounts WHERE user_id = $1 AND provider = 'password'",
    [userId],
  );
const userIdOf = async (email: string) =>
  (await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]))[0]?.id ?? "";

async function resetTokenFor(email: string): Promise<string> {
  expect((await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null })).status).toBe(202);
  return tokenIn((await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset")?.text ?? null);
}

async function changeEmail(client: TestClient, newEmail: string): Promise<void> {
  expect((await client.request("/auth/email/change/request", { json: { email: newEmail } })).status).toBe(202);
  const code = codeIn((await outboxFor(ctx.worker, newEmail))[0]?.text ?? null);
  expect((await client.request("/auth/email/change", { json: { code } })).status).toBe(200);
}

describe("L1: email change does not reveal taken addresses", () => {
  it("L1: once the email-change limit is reached, a taken and a free address get the same answer", async () => {
    const taken = (await signUpApi(ctx)).email;
    const own = uniqueEmail("l1");
    const client = await signUpBrowser(ctx, own);
    const userId = await userIdOf(own);
    const ask = (email: string) => client.request("/auth/email/change/request", { json: { email } });

    const [underTaken, underFree] = [await ask(taken), await ask(uniqueEmail("free"))];
    expect([underTaken.status, await underTaken.text()]).toEqual([underFree.status, await underFree.text()]);
    let free: Response | undefined;
    for (let i = 0; i < 4 && free?.status !== 429; i++) free = await ask(uniqueEmail("free"));
    expect(free?.status).toBe(429);
    const [overTaken, overFree] = [await ask(taken), await ask(uniqueEmail("free"))];
    const overTakenText = await overTaken.text();
    expect([overTaken.status, JSON.parse(overTakenText).error.code]).toEqual([429, "too_many_attempts"]);
    expect([overTaken.status, overTakenText]).toEqual([overFree.status, await overFree.text()]);
    // A taken address is never mailed a code, under the limit or over it. It gets one unsent code row, which
    // supersedes the pending code as a free address's does (review 2, F1), and can never be confirmed.
    expect((await outboxFor(ctx.worker, taken)).filter((m) => m.template === "email_change_code")).toEqual([]);
    const codesForTaken = await ctx.sql("SELECT 1 FROM verification_codes WHERE user_id = $1 AND target = $2", [
      userId,
      taken,
    ]);
    expect(codesForTaken).toHaveLength(1);
  });
});

describe("L3: what was mailed to the old address dies with the change", () => {
  it("L3: a reset link mailed before an email change is refused afterwards, and no password changes", async () => {
    const oldEmail = uniqueEmail("l3-old");
    const newEmail = uniqueEmail("l3-new");
    const client = await signUpBrowser(ctx, oldEmail);
    const userId = await userIdOf(oldEmail);
    const token = await resetTokenFor(oldEmail);
    await changeEmail(client, newEmail);
    const before = await passwordRows(userId);
    expect(before.map((row) => row.provider_account_id)).toEqual([newEmail]);

    expect(await errorOf(await reset(token))).toEqual([400, "invalid_token"]);
    expect(await passwordRows(userId)).toEqual(before);
    expect(await ctx.sql("SELECT 1 FROM accounts WHERE provider_account_id = $1", [oldEmail])).toEqual([]);
    expect((await login(newEmail, STRONG_PASSWORD)).status).toBe(200);
    expect((await login(newEmail, NEW_PASSWORD)).status).toBe(401);
    expect((await login(oldEmail, NEW_PASSWORD)).status).toBe(401);
  });

  it("L3: an email change revokes every open code and link sent to the old address", async () => {
    const oldEmail = uniqueEmail("l3-codes");
    const client = await signUpBrowser(ctx, oldEmail); // signup mailed a verification code and link
    const userId = await userIdOf(oldEmail);
    await resetTokenFor(oldEmail);
    const open = () =>
      ctx.sql<{ purpose: string }>(
        "SELECT purpose::text FROM verification_codes WHERE user_id = $1 AND target = $2 AND consumed_at IS NULL ORDER BY purpose",
        [userId, oldEmail],
      );
    expect((await open()).map((row) => row.purpose)).toEqual(["EMAIL_VERIFICATION", "PASSWORD_RESET"]);
    await changeEmail(client, uniqueEmail("l3-moved"));
    expect(await open()).toEqual([]);
  });

  it("L3: a reset updates the user's one password row by user id, never creating a second", async () => {
    const { email } = await signUpApi(ctx);
    const userId = await userIdOf(email);
    // A row whose key no longer matches the address (as the old email-change bug could leave behind).
    await ctx.sql("UPDATE accounts SET provider_account_id = $2 WHERE user_id = $1", [userId, uniqueEmail("stale")]);
    const [before] = await passwordRows(userId);
    expect((await reset(await resetTokenFor(email))).status).toBe(200);
    const after = await passwordRows(userId);
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(before?.id);
    expect(after[0]?.password_hash).not.toBe(before?.password_hash);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
    expect((await login(email, STRONG_PASSWORD)).status).toBe(401);
  });
});
