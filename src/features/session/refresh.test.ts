// Refresh-token rotation: single use, overlap for the direct parent, reuse detection, concurrency.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
} from "../../../test/helpers/auth.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type RefreshBody = { session: { id: string; accessToken?: string; refreshToken?: string } };

const refreshApi = (refreshToken: string) =>
  ctx.client().request("/auth/refresh", { json: { refreshToken }, origin: null });

const hashRows = (sessionId: string) =>
  ctx.sql<{ used: boolean }>(
    "SELECT used_at IS NOT NULL AS used FROM refresh_tokens WHERE session_id = $1 ORDER BY created_at",
    [sessionId],
  );

describe("POST /auth/refresh", () => {
  it("rotates the browser's cookies: new access and refresh tokens, the old refresh token used", async () => {
    const browser = await signUpBrowser(ctx);
    const before = new Map(browser.cookies);
    const response = await browser.request("/auth/refresh", { method: "POST" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as RefreshBody;
    expect(body.session.refreshToken).toBeUndefined();
    expect(body.session.accessToken).toBeUndefined();
    for (const [name, value] of before) expect(browser.cookies.get(name)).not.toBe(value);
    expect(await hashRows(body.session.id)).toEqual([{ used: true }, { used: false }]);
  });

  it("rotates an API client's tokens in the body and never stores a token in clear", async () => {
    const api = await signUpApi(ctx);
    const response = await refreshApi(api.refreshToken);
    expect(response.status).toBe(200);
    const { session } = (await response.json()) as RefreshBody;
    expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.refreshToken).not.toBe(api.refreshToken);
    const stored = await ctx.sql<{ token_hash: string }>(
      "SELECT token_hash FROM refresh_tokens WHERE session_id = $1",
      [api.id],
    );
    for (const row of stored) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect([api.refreshToken, session.refreshToken]).not.toContain(row.token_hash);
    }
  });

  it("uses the refresh cookie when a browser client sends the JSON body {} (issue 10)", async () => {
    const browser = await signUpBrowser(ctx);
    const before = new Map(browser.cookies);
    const response = await browser.request("/auth/refresh", { json: {} });
    expect(response.status).toBe(200);
    const body = (await response.json()) as RefreshBody;
    expect(body.session.refreshToken).toBeUndefined();
    for (const [name, value] of before) expect(browser.cookies.get(name)).not.toBe(value);
    expect(await hashRows(body.session.id)).toEqual([{ used: true }, { used: false }]);
  });

  it("gives a retry of the direct parent within the overlap window the same new refresh token", async () => {
    const api = await signUpApi(ctx);
    const first = (await (await refreshApi(api.refreshToken)).json()) as RefreshBody;
    const retry = await refreshApi(api.refreshToken);
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as RefreshBody).session.refreshToken).toBe(first.session.refreshToken);
    expect(await hashRows(api.id)).toEqual([{ used: true }, { used: false }]);
  });

  it("never forks the family or logs the user out when refreshes race with the same token", async () => {
    const api = await signUpApi(ctx);
    const responses = await Promise.all(Array.from({ length: 5 }, () => refreshApi(api.refreshToken)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const tokens = new Set(
      await Promise.all(responses.map(async (r) => ((await r.json()) as RefreshBody).session.refreshToken)),
    );
    expect(tokens.size).toBe(1);
    expect(await hashRows(api.id)).toEqual([{ used: true }, { used: false }]);
    const [session] = await ctx.sql<{ revoked_at: Date | null }>("SELECT revoked_at FROM sessions WHERE id = $1", [
      api.id,
    ]);
    expect(session?.revoked_at).toBeNull();
  });

  it("revokes the session when a used refresh token returns after the overlap window, and audits it", async () => {
    const api = await signUpApi(ctx);
    const rotated = (await (await refreshApi(api.refreshToken)).json()) as RefreshBody;
    // Move the first use back in time, past the 10-second overlap.
    await ctx.sql(
      "UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE session_id = $1 AND used_at IS NOT NULL",
      [api.id],
    );

    const replay = await refreshApi(api.refreshToken);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as ErrorBody).error.code).toBe("refresh_token_reused");

    const [session] = await ctx.sql<{ revoke_reason: string | null }>(
      "SELECT revoke_reason FROM sessions WHERE id = $1",
      [api.id],
    );
    expect(session?.revoke_reason).toBe("refresh_token_reused");
    const audit = await ctx.sql(
      "SELECT 1 FROM audit_events WHERE action = 'session.refresh_reuse_detected' AND metadata->>'sessionId' = $1",
      [api.id],
    );
    expect(audit).toHaveLength(1);
    // The legitimate holder's newer tokens die with the family.
    expect((await refreshApi(rotated.session.refreshToken ?? "")).status).toBe(401);
    const protectedCall = await ctx.client().request("/auth/session", { bearer: rotated.session.accessToken ?? "" });
    expect(protectedCall.status).toBe(401);
  });

  it("refuses a grandparent token even inside the overlap window", async () => {
    const api = await signUpApi(ctx);
    const second = (await (await refreshApi(api.refreshToken)).json()) as RefreshBody;
    expect((await refreshApi(second.session.refreshToken ?? "")).status).toBe(200);
    const replay = await refreshApi(api.refreshToken);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as ErrorBody).error.code).toBe("refresh_token_reused");
  });

  it("refuses unknown, idle-expired and absolutely-expired sessions' tokens without changing anything", async () => {
    expect((await refreshApi("A".repeat(43))).status).toBe(401);

    const idle = await signUpApi(ctx);
    await ctx.sql("UPDATE sessions SET idle_expires_at = now() - interval '1 second' WHERE id = $1", [idle.id]);
    const absolute = await signUpApi(ctx);
    await ctx.sql("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [absolute.id]);
    const before = await ctx.snapshot();
    for (const token of [idle.refreshToken, absolute.refreshToken]) {
      const response = await refreshApi(token);
      expect(response.status).toBe(401);
      expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_refresh_token");
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("answers bad bodies with 400 and no cookie with 401, changing nothing", async () => {
    const before = await ctx.snapshot();
    const client = ctx.client();
    const malformed = await client.request("/auth/refresh", {
      body: "{",
      headers: { "content-type": "application/json" },
      origin: null,
    });
    expect([malformed.status, ((await malformed.json()) as ErrorBody).error.code]).toEqual([400, "invalid_json"]);
    const wrongType = await client.request("/auth/refresh", { json: { refreshToken: 42 }, origin: null });
    expect([wrongType.status, ((await wrongType.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    const extra = await client.request("/auth/refresh", { json: { refreshToken: "x", admin: true }, origin: null });
    expect(extra.status).toBe(400);
    const nothing = await client.request("/auth/refresh", { method: "POST" });
    expect([nothing.status, ((await nothing.json()) as ErrorBody).error.code]).toEqual([401, "invalid_refresh_token"]);
    const empty = await client.request("/auth/refresh", { json: {}, origin: null });
    expect([empty.status, ((await empty.json()) as ErrorBody).error.code]).toEqual([401, "invalid_refresh_token"]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
