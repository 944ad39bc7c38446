// Admin user actions end to end: disable (edge and refresh refused at once), enable, session revoke,
// reset link, the detail, and bad input that changes nothing. Every action is audited with actor + target.
import { beforeAll, describe, expect, it } from "vitest";
import { type PlatformAdmin, signedInPlatformAdmin } from "../../../test/helpers/admin.ts";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpApi,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import { errorOf, json } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
let admin: PlatformAdmin;

beforeAll(async () => {
  ctx = await setUpAuthTest();
  admin = await signedInPlatformAdmin(ctx);
});

const adminCall = (
  path: string,
  options: { method?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
) => ctx.client().request(path, { ...options, bearer: admin.accessToken, origin: null });

async function auditRows(action: string, userId: string) {
  return ctx.sql<{ actor_id: string; user_id: string; metadata: Record<string, unknown> }>(
    "SELECT actor_id, user_id, metadata FROM audit_events WHERE action = $1 AND user_id = $2",
    [action, userId],
  );
}

describe("POST /admin/users/:id/disable and /enable", () => {
  it("disables: the user's access token is refused on the next request, refresh fails, sign-in refused; enable restores sign-in", async () => {
    const user = await signUpApi(ctx);
    const userId = await userIdOf(ctx, user.email);
    expect((await ctx.client().request("/auth/session", { bearer: user.accessToken })).status).toBe(200);

    const disabled = await adminCall(`/admin/users/${userId}/disable`, { json: { reason: "fraud report" } });
    expect(disabled.status).toBe(200);
    expect(await disabled.json()).toEqual({ id: userId, status: "DISABLED", changed: true });
    expect((await ctx.client().request("/auth/session", { bearer: user.accessToken })).status).toBe(401);
    const refresh = await ctx
      .client()
      .request("/auth/refresh", { json: { refreshToken: user.refreshToken }, origin: null });
    expect(refresh.status).toBe(401);
    const login = await ctx.client().request("/auth/login", { json: { email: user.email, password: STRONG_PASSWORD } });
    expect(await errorOf(login)).toEqual([403, "account_disabled"]);
    expect(await auditRows("admin.user_disabled", userId)).toEqual([
      { actor_id: admin.userId, user_id: userId, metadata: { reason: "fraud report" } },
    ]);

    const again = await adminCall(`/admin/users/${userId}/disable`, { method: "POST" });
    expect(await again.json()).toEqual({ id: userId, status: "DISABLED", changed: false });
    expect(await auditRows("admin.user_disabled", userId)).toHaveLength(1);

    const enabled = await adminCall(`/admin/users/${userId}/enable`, { method: "POST" });
    expect(await enabled.json()).toEqual({ id: userId, status: "ACTIVE", changed: true });
    expect(await auditRows("admin.user_enabled", userId)).toEqual([
      { actor_id: admin.userId, user_id: userId, metadata: {} },
    ]);
    // Sessions from before the disable stay ended; a new sign-in works.
    const stale = await ctx
      .client()
      .request("/auth/refresh", { json: { refreshToken: user.refreshToken }, origin: null });
    expect(stale.status).toBe(401);
    const relogin = await ctx
      .client()
      .request("/auth/login", { json: { email: user.email, password: STRONG_PASSWORD } });
    expect(relogin.status).toBe(200);
  });

  it("refuses an admin disabling themselves with 409, and unknown or malformed ids, changing nothing", async () => {
    const user = await signUpApi(ctx);
    const userId = await userIdOf(ctx, user.email);
    const before = await ctx.snapshot();
    expect(await errorOf(await adminCall(`/admin/users/${admin.userId}/disable`, { method: "POST" }))).toEqual([
      409,
      "cannot_disable_self",
    ]);
    const unknown = "0190a0b0-0000-7000-8000-0000000000ff";
    for (const action of ["disable", "enable", "sessions/revoke", "password-reset"]) {
      expect(await errorOf(await adminCall(`/admin/users/${unknown}/${action}`, { method: "POST" }))).toEqual([
        404,
        "user_not_found",
      ]);
      expect(await errorOf(await adminCall(`/admin/users/not-a-uuid/${action}`, { method: "POST" }))).toEqual([
        400,
        "invalid_request",
      ]);
    }
    expect(await errorOf(await adminCall(`/admin/users/${unknown}`))).toEqual([404, "user_not_found"]);
    expect(await errorOf(await adminCall("/admin/users/123"))).toEqual([400, "invalid_request"]);
    const bad = [
      { body: "{not json", headers: { "content-type": "application/json" }, expected: [400, "invalid_json"] },
      {
        body: JSON.stringify({ reason: "x", extra: true }),
        headers: { "content-type": "application/json" },
        expected: [400, "invalid_request"],
      },
      {
        body: JSON.stringify({ reason: 5 }),
        headers: { "content-type": "application/json" },
        expected: [400, "invalid_request"],
      },
      { body: "reason=x", headers: { "content-type": "text/plain" }, expected: [415, "unsupported_media_type"] },
    ];
    for (const { body, headers, expected } of bad) {
      expect(
        await errorOf(await adminCall(`/admin/users/${userId}/disable`, { method: "POST", body, headers })),
      ).toEqual(expected);
    }
    expect(await ctx.snapshot()).toEqual(before);
    expect((await ctx.client().request("/auth/session", { bearer: user.accessToken })).status).toBe(200);
  });
});

describe("POST /admin/users/:id/sessions/revoke", () => {
  it("ends one session by id, then all; each stops at the edge at once", async () => {
    const first = await signUpApi(ctx);
    const userId = await userIdOf(ctx, first.email);
    const second = await json<{ session: { accessToken: string } }>(
      await ctx.client().request("/auth/login", {
        json: { email: first.email, password: STRONG_PASSWORD, client: "api" },
        origin: null,
      }),
    );
    const one = await adminCall(`/admin/users/${userId}/sessions/revoke`, { json: { sessionId: first.id } });
    expect(await one.json()).toEqual({ revokedSessions: [first.id] });
    expect((await ctx.client().request("/auth/session", { bearer: first.accessToken })).status).toBe(401);
    expect((await ctx.client().request("/auth/session", { bearer: second.session.accessToken })).status).toBe(200);
    expect(
      await errorOf(await adminCall(`/admin/users/${userId}/sessions/revoke`, { json: { sessionId: first.id } })),
    ).toEqual([404, "session_not_found"]);
    const all = await json<{ revokedSessions: string[] }>(
      await adminCall(`/admin/users/${userId}/sessions/revoke`, { method: "POST" }),
    );
    expect(all.revokedSessions).toHaveLength(1);
    expect((await ctx.client().request("/auth/session", { bearer: second.session.accessToken })).status).toBe(401);
    const audit = await auditRows("admin.sessions_revoked", userId);
    expect(audit.map((row) => [row.actor_id, row.metadata.scope])).toEqual([
      [admin.userId, "one"],
      [admin.userId, "all"],
    ]);
    expect(
      await errorOf(await adminCall(`/admin/users/${userId}/sessions/revoke`, { json: { sessionId: "x" } })),
    ).toEqual([400, "invalid_request"]);
  });
});

describe("POST /admin/users/:id/password-reset", () => {
  it("mails the normal reset link to the user's own address and answers 202", async () => {
    const user = await signUpApi(ctx);
    const userId = await userIdOf(ctx, user.email);
    const response = await adminCall(`/admin/users/${userId}/password-reset`, { method: "POST" });
    expect(response.status).toBe(202);
    const mails = await ctx.sql<{ recipient: string; template: string }>(
      "SELECT recipient, template FROM outbox_messages WHERE recipient = $1 AND template = 'password_reset'",
      [user.email],
    );
    expect(mails).toHaveLength(1);
    expect(await ctx.count("verification_codes", "user_id = $1 AND purpose = 'PASSWORD_RESET'", [userId])).toBe(1);
    expect(await auditRows("admin.password_reset_sent", userId)).toEqual([
      { actor_id: admin.userId, user_id: userId, metadata: {} },
    ]);
  });
});

describe("GET /admin/users/:id", () => {
  it("shows profile, factors, sessions, roles and recent audit — never secrets or tokens, ip hashes only in the login history", async () => {
    const detail = await json<Record<string, unknown>>(await adminCall(`/admin/users/${admin.userId}`));
    expect(detail.profile).toMatchObject({ id: admin.userId, email: admin.email, status: "ACTIVE", deletedAt: null });
    expect(detail.factors).toEqual({ totp: true, passkeys: { count: 0, names: [] }, recoveryCodesLeft: 10 });
    expect(detail.platformRoles).toEqual(["PLATFORM_ADMIN"]);
    expect(detail.memberships).toEqual([]);
    const sessions = detail.sessions as Array<{ active: boolean }>;
    expect(sessions.filter((session) => session.active)).toHaveLength(2);
    const actions = (detail.recentAudit as Array<{ action: string }>).map((event) => event.action);
    expect(actions).toContain("mfa.totp_enabled");
    // issue 15: the login history shows each attempt's ip_hash (the HMAC, never the IP); nothing else does.
    const { loginHistory, ...rest } = detail;
    expect((loginHistory as { ipHash: string }[])[0]?.ipHash).toMatch(/^[0-9a-f]{64}$/);
    for (const secret of ["secret", "passwordHash", "tokenHash", "codeHash"])
      expect(JSON.stringify(detail)).not.toContain(secret);
    for (const secret of ["ip_hash", "ipHash"]) expect(JSON.stringify(rest)).not.toContain(secret);
  });
});
