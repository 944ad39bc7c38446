// The admin API's door, route by route: no session, no platform role, no second factor, an old
// sign-in, a grant removed while the token lives, a cross-site cookie POST, and unknown paths.
import { beforeAll, describe, expect, it } from "vitest";
import { grantPlatformRoleWithSql, type PlatformAdmin, signedInPlatformAdmin } from "../../../test/helpers/admin.ts";
import { type AuthTestContext, setUpAuthTest, signUpApi } from "../../../test/helpers/auth.ts";
import { errorOf } from "../../../test/helpers/second-factors.ts";
import { resignAccessToken } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
let admin: PlatformAdmin;
const target = "0190a0b0-0000-7000-8000-000000000001";

beforeAll(async () => {
  ctx = await setUpAuthTest();
  admin = await signedInPlatformAdmin(ctx);
});

const ROUTES: Array<{ method: string; path: string; json?: unknown }> = [
  { method: "GET", path: "/admin/users" },
  { method: "GET", path: `/admin/users/${target}` },
  { method: "POST", path: `/admin/users/${target}/disable`, json: {} },
  { method: "POST", path: `/admin/users/${target}/enable`, json: {} },
  { method: "POST", path: `/admin/users/${target}/sessions/revoke`, json: {} },
  { method: "POST", path: `/admin/users/${target}/password-reset`, json: {} },
  { method: "POST", path: `/admin/users/${target}/platform-roles`, json: { role: "PLATFORM_ADMIN" } },
  { method: "DELETE", path: `/admin/users/${target}/platform-roles/PLATFORM_ADMIN` },
  { method: "GET", path: "/admin/roles" },
  { method: "POST", path: "/admin/roles", json: { key: "AUDITOR", scope: "PLATFORM", description: "x" } },
  { method: "GET", path: "/admin/tenants" },
  { method: "GET", path: `/admin/tenants/${target}/members` },
  { method: "GET", path: "/admin/audit" },
];

const call = (route: (typeof ROUTES)[number], bearer?: string) =>
  ctx.client().request(route.path, { method: route.method, json: route.json, bearer, origin: null });

describe("requirePlatformAdmin on every /admin route", () => {
  it("answers 401 unauthenticated without a session, changing nothing", async () => {
    const before = await ctx.snapshot();
    for (const route of ROUTES) {
      const response = await call(route);
      expect([route.path, ...(await errorOf(response))]).toEqual([route.path, 401, "unauthenticated"]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("answers 403 forbidden to a signed-in user without PLATFORM_ADMIN", async () => {
    const user = await signUpApi(ctx);
    const before = await ctx.snapshot();
    for (const route of ROUTES) {
      expect([route.path, ...(await errorOf(await call(route, user.accessToken)))]).toEqual([
        route.path,
        403,
        "forbidden",
      ]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("answers 401 second_factor_required with the RFC 9470 challenge when the session did not prove mfa", async () => {
    const token = await resignAccessToken(admin.accessToken, { amr: ["pwd"] });
    for (const route of ROUTES) {
      const response = await call(route, token);
      expect(response.headers.get("www-authenticate")).toContain('error="insufficient_user_authentication"');
      expect([route.path, ...(await errorOf(response))]).toEqual([route.path, 401, "second_factor_required"]);
    }
  });

  it("answers 401 reauthentication_required when the sign-in is older than REAUTH_MAX_AGE_SECONDS", async () => {
    const token = await resignAccessToken(admin.accessToken, { authTime: Math.floor(Date.now() / 1000) - 3600 });
    const before = await ctx.snapshot();
    for (const route of ROUTES) {
      const response = await call(route, token);
      expect(response.headers.get("www-authenticate")).toMatch(/insufficient_user_authentication.*max_age=\d+/);
      expect([route.path, ...(await errorOf(response))]).toEqual([route.path, 401, "reauthentication_required"]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("lets a fresh pwd+otp admin session through", async () => {
    const response = await ctx.client().request("/admin/roles", { bearer: admin.accessToken });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("refuses at once a token that still names PLATFORM_ADMIN after the grant was removed (database check)", async () => {
    const other = await signedInPlatformAdmin(ctx, "demoted");
    expect((await ctx.client().request("/admin/users", { bearer: other.accessToken })).status).toBe(200);
    await ctx.sql("DELETE FROM platform_role_grants WHERE user_id = $1", [other.userId]);
    for (const route of ROUTES.slice(0, 3)) {
      expect([route.path, ...(await errorOf(await call(route, other.accessToken)))]).toEqual([
        route.path,
        403,
        "forbidden",
      ]);
    }
    await grantPlatformRoleWithSql(ctx, other.userId);
  });

  it("refuses a cross-site cookie POST with csrf_rejected before the route runs", async () => {
    const before = await ctx.snapshot();
    const response = await admin.client.request(`/admin/users/${target}/disable`, {
      json: {},
      origin: "https://evil.example",
    });
    expect(await errorOf(response)).toEqual([403, "csrf_rejected"]);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("answers unknown /admin paths with a JSON 404, never the gateway", async () => {
    for (const path of ["/admin/nope", "/admin/users/x/y/z"]) {
      const response = await ctx.client().request(path, { bearer: admin.accessToken });
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(await errorOf(response)).toEqual([404, "not_found"]);
    }
  });
});
