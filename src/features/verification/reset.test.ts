// Password reset: no enumeration, single-use expiring links, sessions ended, lockout cleared.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpApi,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const NEW_PASSWORD = "a fresh and different passphrase";
const forgot = (email: string) => ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });
const reset = (token: string, password = NEW_PASSWORD) =>
  ctx.client().request("/auth/password/reset", { json: { token, password }, origin: null });
const login = (email: string, password: string) => ctx.client().request("/auth/login", { json: { email, password } });

async function resetTokenFor(email: string): Promise<string> {
  expect((await forgot(email)).status).toBe(202);
  return tokenIn((await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset")?.text ?? null);
}

describe("password reset", () => {
  it("answers a known and an unknown address identically, and mails only the known one", async () => {
    const { email } = await signUpApi(ctx);
    const ghost = uniqueEmail("ghost");
    const [known, unknown] = [await forgot(email), await forgot(ghost)];
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.text()).toBe(await unknown.text());
    expect((await outboxFor(ctx.worker, email)).filter((m) => m.template === "password_reset")).toHaveLength(1);
    expect(await outboxFor(ctx.worker, ghost)).toHaveLength(0);
  });

  it("sets the new password with the link once, ends every session and audits", async () => {
    const session = await signUpApi(ctx);
    const token = await resetTokenFor(session.email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const response = await reset(token);
    expect(response.status).toBe(200);
    expect((await ctx.client().request("/auth/session", { bearer: session.accessToken })).status).toBe(401);
    expect(
      (await ctx.client().request("/auth/refresh", { json: { refreshToken: session.refreshToken }, origin: null }))
        .status,
    ).toBe(401);
    expect((await login(session.email, STRONG_PASSWORD)).status).toBe(401);
    const fresh = await login(session.email, NEW_PASSWORD);
    expect(fresh.status).toBe(200);
    const again = await reset(token, "yet another long passphrase");
    expect([again.status, ((await again.json()) as ErrorBody).error.code]).toEqual([400, "invalid_token"]);
    expect(await ctx.sql("SELECT 1 FROM audit_events WHERE action = 'password.reset'")).not.toHaveLength(0);
  });

  it("unlocks an account that too many failures locked", async () => {
    const { email } = await signUpApi(ctx);
    await login(email, "wrong password one");
    await ctx.sql("UPDATE auth_counters SET failures = 1000 WHERE key LIKE 'account:%'");
    await ctx.sql("UPDATE users SET locked_at = now() WHERE email = $1", [email]);
    expect((await login(email, STRONG_PASSWORD)).status).toBe(423);
    const token = await resetTokenFor(email);
    expect((await reset(token)).status).toBe(200);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
    const [user] = await ctx.sql<{ locked: boolean }>(
      "SELECT locked_at IS NOT NULL AS locked FROM users WHERE email = $1",
      [email],
    );
    expect(user?.locked).toBe(false);
  });

  it("keeps the link usable when the new password is refused, and refuses expired links", async () => {
    const { email } = await signUpApi(ctx);
    const token = await resetTokenFor(email);
    const weak = await reset(token, "short");
    expect([weak.status, ((await weak.json()) as ErrorBody).error.code]).toEqual([400, "weak_password"]);
    await ctx.sql(
      "UPDATE verification_codes SET expires_at = now() - interval '1 second' WHERE purpose = 'PASSWORD_RESET'",
    );
    const expired = await reset(token);
    expect([expired.status, ((await expired.json()) as ErrorBody).error.code]).toEqual([400, "invalid_token"]);
    expect((await login(email, STRONG_PASSWORD)).status).toBe(200);
  });

  it("answers bad input with 400 and changes nothing", async () => {
    const before = await ctx.snapshot();
    for (const json of [
      { token: "short", password: NEW_PASSWORD },
      { token: "x".repeat(43) },
      { password: NEW_PASSWORD },
    ]) {
      const response = await ctx.client().request("/auth/password/reset", { json, origin: null });
      expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    }
    const unknown = await reset("A".repeat(43));
    expect([unknown.status, ((await unknown.json()) as ErrorBody).error.code]).toEqual([400, "invalid_token"]);
    const badEmail = await ctx.client().request("/auth/password/forgot", { json: { email: "nope" }, origin: null });
    expect(badEmail.status).toBe(400);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
