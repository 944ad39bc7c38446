// Second-factor guesses are limited (issue 10, H1): counted per user on counters a right password
// never clears, across challenges, /auth/mfa/verify, /auth/reauthenticate, TOTP removal and resets.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { accountKeyOf, countersOf, expireDelays } from "../../../test/helpers/counters.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import {
  codeAt,
  enrollTotp,
  errorOf,
  json,
  passwordStep,
  registerPasskey,
  twoStepUser,
} from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ LOGIN_FREE_FAILURES: "5", LOCKOUT_FAILURES: "10" });
});

/** Recovery codes shown at enrollment, by email. */
const recoveryCodesOf = new Map<string, string[]>();

async function enrolled() {
  const email = uniqueEmail("mfa-guess");
  const client = await signUpBrowser(ctx, email);
  const { secret, recoveryCodes } = await enrollTotp(client);
  recoveryCodesOf.set(email, recoveryCodes);
  const [user] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
  return { email, client, secret, userId: user?.id ?? "" };
}

/** The password step; it must yield a challenge. */
async function challengeFor(device: TestClient, email: string): Promise<string> {
  const step = await passwordStep(device, email);
  expect(step.status).toBe("mfa_required");
  return step.challenge;
}

const lockState = async (userId: string) => {
  const [row] = await ctx.sql<{ locked: boolean; sessions: number; audits: number }>(
    `SELECT u.locked_at IS NOT NULL AS locked,
            (SELECT count(*)::int FROM sessions s WHERE s.user_id = u.id) AS sessions,
            (SELECT count(*)::int FROM audit_events e WHERE e.user_id = u.id AND e.action = 'account.locked'
               AND e.metadata->>'cause' = 'second_factor') AS audits
     FROM users u WHERE u.id = $1`,
    [userId],
  );
  return row;
};

describe("H1: second-factor guesses are limited", () => {
  it("H1: a correct password does not reset the count of wrong TOTP codes (429, then 423)", async () => {
    const { email, secret, userId } = await enrolled();
    const device = ctx.client();
    const wrong = { totp: codeAt(secret, 5) };
    const verify = (challenge: string, factor: object = wrong) =>
      device.request("/auth/mfa/verify", { json: { challenge, ...factor } });
    let challenge = await challengeFor(device, email);
    for (let i = 0; i < 5; i++) expect(await errorOf(await verify(challenge))).toEqual([400, "invalid_code"]);
    // Log in again: the right password takes nothing back from the second factor's count.
    challenge = await challengeFor(device, email);
    expect(await errorOf(await verify(challenge))).toEqual([400, "invalid_code"]);
    expect(await errorOf(await verify(challenge))).toEqual([429, "too_many_attempts"]);
    expect((await countersOf(ctx, `mfa:${userId}`)).scope).toBe(6);
    for (let i = 7; i <= 10; i++) {
      await expireDelays(ctx);
      challenge = await challengeFor(device, email);
      expect(await errorOf(await verify(challenge))).toEqual([400, "invalid_code"]);
    }
    expect((await countersOf(ctx, `mfa:${userId}`)).scope).toBe(10);
    await expireDelays(ctx);
    expect(await errorOf(await verify(challenge))).toEqual([423, "account_locked"]);
    expect(await errorOf(await verify(challenge, { totp: codeAt(secret, 0) }))).toEqual([423, "account_locked"]);
    // Locked as after wrong passwords: the password step answers 423 too, and no session was made.
    const again = await device.request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
    expect(await errorOf(again)).toEqual([423, "account_locked"]);
    expect(await lockState(userId)).toEqual({ locked: true, sessions: 1, audits: 1 });
    expect((await countersOf(ctx, `mfa:${userId}`)).scope).toBe(10);
  });

  it("H1: the password step of a two-step user leaves earlier failures counted; the MFA step clears both", async () => {
    const { email, secret, userId } = await enrolled();
    const device = ctx.client();
    for (let i = 0; i < 2; i++) {
      const response = await device.request("/auth/login", { json: { email, password: `wrong ${i}` } });
      expect(await errorOf(response)).toEqual([401, "invalid_credentials"]);
    }
    const challenge = await challengeFor(device, email);
    const accountKey = await accountKeyOf(email);
    expect(await countersOf(ctx, accountKey)).toEqual({ scope: 2, pairs: [2] });
    const wrong = await device.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret, 5) } });
    expect(await errorOf(wrong)).toEqual([400, "invalid_code"]);
    expect(await countersOf(ctx, `mfa:${userId}`)).toEqual({ scope: 1, pairs: [1] });
    const right = await device.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret, 0) } });
    expect(right.status).toBe(200);
    expect(await countersOf(ctx, accountKey)).toEqual({ scope: 0, pairs: [] });
    expect(await countersOf(ctx, `mfa:${userId}`)).toEqual({ scope: 0, pairs: [] });
  });

  it("H1: an account locked by wrong passwords after the challenge was issued stays locked at the MFA step", async () => {
    const { email, secret, userId } = await enrolled();
    const device = ctx.client();
    const challenge = await challengeFor(device, email);
    await ctx.sql(
      "INSERT INTO auth_counters (key, failures, updated_at) VALUES ($1, 10, now()) ON CONFLICT (key) DO UPDATE SET failures = 10",
      [await accountKeyOf(email)],
    );
    const answer = await device.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret, 0) } });
    expect(await errorOf(answer)).toEqual([423, "account_locked"]);
    expect((await countersOf(ctx, await accountKeyOf(email))).scope).toBe(10);
    expect(await lockState(userId)).toMatchObject({ sessions: 1 });
  });

  it("H1: a wrong passkey assertion as the second factor is counted like a wrong code", async () => {
    const { email } = await twoStepUser(ctx);
    const [user] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
    const stranger = await registerPasskey(await signUpBrowser(ctx));
    const device = ctx.client();
    const challenge = await challengeFor(device, email);
    const options = await json<object>(await device.request("/auth/mfa/passkey/options", { json: { challenge } }));
    const foreign = await stranger.authenticator.authenticate(options as never);
    const answer = await device.request("/auth/mfa/verify", { json: { challenge, passkey: foreign } });
    expect(await errorOf(answer)).toEqual([400, "passkey_rejected"]);
    expect(await countersOf(ctx, `mfa:${user?.id}`)).toEqual({ scope: 1, pairs: [1] });
  });

  it("H1: wrong codes at reauthenticate and TOTP disable count on the same per-user limit", async () => {
    const { client, secret, userId } = await enrolled();
    const reauth = (proof: object) => client.request("/auth/reauthenticate", { json: proof });
    const disable = (totp: string) => client.request("/auth/mfa/totp/disable", { json: { totp } });
    const wrong = codeAt(secret, 5);
    for (let i = 0; i < 3; i++)
      expect(await errorOf(await reauth({ totp: wrong }))).toEqual([401, "invalid_credentials"]);
    // A right password at reauthenticate is a password proof: the second factor's count stays.
    expect((await reauth({ password: STRONG_PASSWORD })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect(await errorOf(await disable(wrong))).toEqual([400, "invalid_code"]);
    expect((await countersOf(ctx, `mfa:${userId}`)).scope).toBe(5);
    expect(await errorOf(await reauth({ totp: wrong }))).toEqual([401, "invalid_credentials"]);
    expect(await errorOf(await disable(codeAt(secret, 0)))).toEqual([429, "too_many_attempts"]);
    for (let i = 7; i <= 10; i++) {
      await expireDelays(ctx);
      expect(await errorOf(await (i % 2 ? reauth({ totp: wrong }) : disable(wrong)))).toEqual(
        i % 2 ? [401, "invalid_credentials"] : [400, "invalid_code"],
      );
    }
    await expireDelays(ctx);
    expect(await errorOf(await disable(codeAt(secret, 0)))).toEqual([423, "account_locked"]);
    expect(await errorOf(await reauth({ totp: codeAt(secret, 0) }))).toEqual([423, "account_locked"]);
    expect(await ctx.sql("SELECT 1 FROM totp_credentials WHERE user_id = $1", [userId])).toHaveLength(1);
    expect(await lockState(userId)).toMatchObject({ locked: true, audits: 1 });
  });

  it("R4: at a reset, TOTP codes stop at the user's lock; a recovery code still lifts it", async () => {
    const { email, secret, userId } = await enrolled();
    await ctx.sql("INSERT INTO auth_counters (key, failures, updated_at) VALUES ($1, 9, now())", [`mfa:${userId}`]);
    const token = await resetTokenFor(email);
    const NEW = "a new passphrase after the lock";
    const reset = (factor: object) =>
      ctx.client().request("/auth/password/reset", { json: { token, password: NEW, ...factor }, origin: null });
    expect(await errorOf(await reset({ totp: codeAt(secret, 5) }))).toEqual([400, "invalid_code"]);
    expect(await lockState(userId)).toMatchObject({ locked: true, audits: 1 });
    expect(await errorOf(await passwordStepResponse(email))).toEqual([423, "account_locked"]);
    // At the lock a TOTP code is refused unchecked, even the right one, and nothing is counted.
    await expireDelays(ctx);
    expect(await errorOf(await reset({ totp: codeAt(secret, 0) }))).toEqual([423, "account_locked"]);
    expect(await errorOf(await reset({ totp: codeAt(secret, 7) }))).toEqual([423, "account_locked"]);
    expect((await countersOf(ctx, `mfa:${userId}`)).scope).toBe(10);
    expect(await ctx.sql("SELECT 1 FROM sessions WHERE user_id = $1 AND revoked_at IS NULL", [userId])).toHaveLength(1);
    // A recovery code cannot be guessed: it is the owner's way out, and the reset lifts every lock.
    const [code] = recoveryCodesOf.get(email) ?? [];
    expect((await reset({ recoveryCode: code })).status).toBe(200);
    expect(await countersOf(ctx, `mfa:${userId}`)).toEqual({ scope: 0, pairs: [] });
    expect((await passwordStep(ctx.client(), email, NEW)).status).toBe("mfa_required");
  });

  it("R4: a reset link dies after five wrong second factors; a right one before that still works", async () => {
    const { email, secret, userId } = await enrolled();
    const token = await resetTokenFor(email);
    const NEW = "a new passphrase after the guesses";
    const reset = (link: string, totp: string) =>
      ctx.client().request("/auth/password/reset", { json: { token: link, password: NEW, totp }, origin: null });
    const answers: unknown[] = [];
    for (let i = 0; i < 7; i++) {
      await expireDelays(ctx);
      answers.push(await errorOf(await reset(token, codeAt(secret, 7))));
    }
    expect(answers).toEqual([...Array(5).fill([400, "invalid_code"]), [400, "invalid_token"], [400, "invalid_token"]]);
    // Only the five checked guesses were counted; the dead link works no more, even with the right code.
    expect((await countersOf(ctx, `mfa:${userId}`)).scope).toBe(5);
    await expireDelays(ctx);
    expect(await errorOf(await reset(token, codeAt(secret, 0)))).toEqual([400, "invalid_token"]);
    const [row] = await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1",
      [email],
    );
    expect(row?.n).toBe(1);
    expect((await passwordStep(ctx.client(), email)).status).toBe("mfa_required");
    // A fresh link with wrong factors below the cap, then the right one: the reset goes through.
    const fresh = await resetTokenFor(email);
    await expireDelays(ctx);
    expect(await errorOf(await reset(fresh, codeAt(secret, 7)))).toEqual([400, "invalid_code"]);
    await expireDelays(ctx);
    expect((await reset(fresh, codeAt(secret, 0))).status).toBe(200);
    expect((await passwordStep(ctx.client(), email, NEW)).status).toBe("mfa_required");
  });
});

async function resetTokenFor(email: string): Promise<string> {
  expect((await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null })).status).toBe(202);
  return tokenIn((await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset")?.text ?? null);
}

const passwordStepResponse = (email: string) =>
  ctx.client().request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
