// Email verification: codes and links, single use, expiry, attempt and resend limits.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { codeIn, outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function signedUpWithCode(): Promise<{ email: string; client: TestClient; code: string; token: string }> {
  const email = uniqueEmail("verify");
  const client = await signUpBrowser(ctx, email);
  const response = await client.request("/auth/email/verify/request", { method: "POST" });
  expect(response.status).toBe(202);
  const [message] = await outboxFor(ctx.worker, email);
  return { email, client, code: codeIn(message?.text ?? null), token: tokenIn(message?.text ?? null) };
}

const verified = async (email: string) =>
  (await ctx.sql<{ v: boolean }>("SELECT email_verified_at IS NOT NULL AS v FROM users WHERE email = $1", [email]))[0]
    ?.v;

const codeCall = (client: TestClient, code: string) => client.request("/auth/email/verify", { json: { code } });

describe("email verification", () => {
  it("sends a 6-digit code and a link, stores neither in clear, and verifies with the code once", async () => {
    const { email, client, code, token } = await signedUpWithCode();
    expect(code).toMatch(/^\d{6}$/);
    const stored = await ctx.sql<{ code_hash: string; token_hash: string }>(
      "SELECT code_hash, token_hash FROM verification_codes v JOIN users u ON u.id = v.user_id WHERE u.email = $1",
      [email],
    );
    expect(stored[0]?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect((await codeCall(client, code)).status).toBe(200);
    expect(await verified(email)).toBe(true);
    const again = await codeCall(client, code);
    expect([again.status, ((await again.json()) as ErrorBody).error.code]).toEqual([400, "invalid_code"]);
    const session = (await (await client.request("/auth/session")).json()) as { user: { emailVerified: boolean } };
    expect(session.user.emailVerified).toBe(true);
  });

  it("verifies with the link token without a session, once", async () => {
    const { email, token } = await signedUpWithCode();
    const send = () => ctx.client().request("/auth/email/verify", { json: { token }, origin: null });
    expect((await send()).status).toBe(200);
    expect(await verified(email)).toBe(true);
    const reuse = await send();
    expect([reuse.status, ((await reuse.json()) as ErrorBody).error.code]).toEqual([400, "invalid_token"]);
  });

  it("refuses an expired code and an expired link", async () => {
    const { email, client, code, token } = await signedUpWithCode();
    await ctx.sql("UPDATE verification_codes SET expires_at = now() - interval '1 second'");
    expect((await codeCall(client, code)).status).toBe(400);
    expect((await ctx.client().request("/auth/email/verify", { json: { token }, origin: null })).status).toBe(400);
    expect(await verified(email)).toBe(false);
  });

  it("kills a code after 5 wrong tries, and a new code does not reset the failure count", async () => {
    const { email, client, code } = await signedUpWithCode();
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) expect((await codeCall(client, wrong)).status).toBe(400);
    expect((await codeCall(client, code)).status).toBe(400); // dead after 5 misses
    expect(await verified(email)).toBe(false);

    await client.request("/auth/email/verify/request", { method: "POST" });
    const fresh = codeIn((await outboxFor(ctx.worker, email))[0]?.text ?? null);
    const throttled = await codeCall(client, fresh);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    await ctx.sql("UPDATE auth_counters SET blocked_until = now() - interval '1 second' WHERE key LIKE 'code:%'");
    expect((await codeCall(client, fresh)).status).toBe(200);
  });

  it("invalidates the previous code when a new one is sent, and limits resends", async () => {
    const { client, code, email } = await signedUpWithCode();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await client.request("/auth/email/verify/request", { method: "POST" })).status);
    // Signup's mail and the first request used two of the three an hour.
    expect(statuses).toEqual([202, 429, 429, 429]);
    expect(await outboxFor(ctx.worker, email)).toHaveLength(3);
    expect((await codeCall(client, code)).status).toBe(400);
    expect(await verified(email)).toBe(false);
  });

  it("answers bad input with 400 and needs a session for a code", async () => {
    const before = await ctx.snapshot();
    for (const json of [
      { code: "12345" },
      { code: "abcdef" },
      { token: "short" },
      { code: "123456", token: "x".repeat(43) },
      {},
    ]) {
      const response = await ctx.client().request("/auth/email/verify", { json, origin: null });
      expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    }
    const anonymous = await ctx.client().request("/auth/email/verify", { json: { code: "123456" }, origin: null });
    expect(anonymous.status).toBe(401);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
