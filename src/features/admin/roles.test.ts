// Platform role grants and the role catalogue through the admin API: scope checks, the last admin,
// the membership epoch that refuses the old token at the edge, and audit rows with actor + target.
import { beforeAll, describe, expect, it } from "vitest";
import { type PlatformAdmin, signedInPlatformAdmin } from "../../../test/helpers/admin.ts";
import { type AuthTestContext, setUpAuthTest, signUpApi, userIdOf } from "../../../test/helpers/auth.ts";
import { errorOf, json } from "../../../test/helpers/second-factors.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
let admin: PlatformAdmin;

beforeAll(async () => {
  ctx = await setUpAuthTest();
  admin = await signedInPlatformAdmin(ctx);
});

const adminCall = (path: string, options: { method?: string; json?: unknown; bearer?: string } = {}) =>
  ctx.client().request(path, { bearer: admin.accessToken, ...options, origin: null });

describe("platform role grants", () => {
  it("grants and removes a platform role; each bumps the epoch so the user's old token is refused", async () => {
    const created = await adminCall("/admin/roles", {
      json: { key: "SUPPORT_AGENT", scope: "PLATFORM", description: "Helps" },
    });
    expect(created.status).toBe(201);
    const user = await signUpApi(ctx);
    const userId = await userIdOf(ctx, user.email);
    const granted = await adminCall(`/admin/users/${userId}/platform-roles`, { json: { role: "SUPPORT_AGENT" } });
    expect([granted.status, await granted.json()]).toEqual([201, { id: userId, role: "SUPPORT_AGENT", changed: true }]);
    const stale = await ctx.client().request("/auth/session", { bearer: user.accessToken });
    expect(await errorOf(stale)).toEqual([401, "unauthenticated"]);
    // The refreshed token carries the new role.
    const refreshed = await json<{ session: { accessToken: string } }>(
      await ctx.client().request("/auth/refresh", { json: { refreshToken: user.refreshToken }, origin: null }),
    );
    expect(claimsOf(refreshed.session.accessToken).roles).toEqual(["SUPPORT_AGENT"]);
    const twice = await adminCall(`/admin/users/${userId}/platform-roles`, { json: { role: "SUPPORT_AGENT" } });
    expect([twice.status, ((await twice.json()) as { changed: boolean }).changed]).toEqual([200, false]);

    const removed = await adminCall(`/admin/users/${userId}/platform-roles/SUPPORT_AGENT`, { method: "DELETE" });
    expect(await removed.json()).toEqual({ id: userId, role: "SUPPORT_AGENT", removed: true });
    expect((await ctx.client().request("/auth/session", { bearer: refreshed.session.accessToken })).status).toBe(401);
    expect(
      await errorOf(await adminCall(`/admin/users/${userId}/platform-roles/SUPPORT_AGENT`, { method: "DELETE" })),
    ).toEqual([404, "role_not_granted"]);
    const audit = await ctx.sql<{ action: string; actor_id: string; metadata: { role: string } }>(
      "SELECT action, actor_id, metadata FROM audit_events WHERE user_id = $1 AND action LIKE 'admin.platform_role_%' ORDER BY id",
      [userId],
    );
    expect(audit).toEqual([
      { action: "admin.platform_role_granted", actor_id: admin.userId, metadata: { role: "SUPPORT_AGENT" } },
      { action: "admin.platform_role_removed", actor_id: admin.userId, metadata: { role: "SUPPORT_AGENT" } },
    ]);
  });

  it("refuses tenant-scope, unknown and malformed roles with 400 unknown_role, changing nothing", async () => {
    const user = await signUpApi(ctx);
    const userId = await userIdOf(ctx, user.email);
    const before = await ctx.snapshot();
    for (const role of ["OWNER", "NOPE_ROLE"]) {
      expect(await errorOf(await adminCall(`/admin/users/${userId}/platform-roles`, { json: { role } }))).toEqual([
        400,
        "unknown_role",
      ]);
      expect(
        await errorOf(await adminCall(`/admin/users/${userId}/platform-roles/${role}`, { method: "DELETE" })),
      ).toEqual([400, "unknown_role"]);
    }
    expect(await errorOf(await adminCall(`/admin/users/${userId}/platform-roles/lower`, { method: "DELETE" }))).toEqual(
      [400, "unknown_role"],
    );
    expect(
      await errorOf(await adminCall(`/admin/users/${userId}/platform-roles`, { json: { role: "lower" } })),
    ).toEqual([400, "invalid_request"]);
    expect(
      await errorOf(
        await adminCall(`/admin/users/${userId}/platform-roles`, { json: { role: "PLATFORM_ADMIN", x: 1 } }),
      ),
    ).toEqual([400, "invalid_request"]);
    const unknown = "0190a0b0-0000-7000-8000-0000000000ee";
    expect(
      await errorOf(await adminCall(`/admin/users/${unknown}/platform-roles`, { json: { role: "PLATFORM_ADMIN" } })),
    ).toEqual([404, "user_not_found"]);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("refuses removing your own PLATFORM_ADMIN as the last one (409), allows it when another admin remains", async () => {
    const solo = await setUpAuthTest();
    const only = await signedInPlatformAdmin(solo, "solo");
    const self = await solo.client().request(`/admin/users/${only.userId}/platform-roles/PLATFORM_ADMIN`, {
      method: "DELETE",
      bearer: only.accessToken,
    });
    expect(await errorOf(self)).toEqual([409, "last_platform_admin"]);
    expect(await solo.count("platform_role_grants", "user_id = $1", [only.userId])).toBe(1);

    const second = await signedInPlatformAdmin(ctx, "second");
    const stepDown = await ctx.client().request(`/admin/users/${second.userId}/platform-roles/PLATFORM_ADMIN`, {
      method: "DELETE",
      bearer: second.accessToken,
    });
    expect(stepDown.status).toBe(200);
    expect(await errorOf(await ctx.client().request("/admin/users", { bearer: second.accessToken }))).toEqual([
      401,
      "unauthenticated",
    ]);
  });
});

describe("two admins removing each other at once", () => {
  it("leaves at least one PLATFORM_ADMIN: the grants are locked, so the second removal sees the first", async () => {
    const pair = await setUpAuthTest();
    const [left, right] = [await signedInPlatformAdmin(pair, "left"), await signedInPlatformAdmin(pair, "right")];
    const remove = (actor: PlatformAdmin, target: PlatformAdmin) =>
      pair.client().request(`/admin/users/${target.userId}/platform-roles/PLATFORM_ADMIN`, {
        method: "DELETE",
        bearer: actor.accessToken,
      });
    const [first, second] = await Promise.all([remove(left, right), remove(right, left)]);
    const statuses = [first.status, second.status].sort();
    // One wins (200); the other is refused: 403 when its own grant went first, or 409 as the last admin.
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(await pair.count("platform_role_grants", "role_key = 'PLATFORM_ADMIN'")).toBe(1);
  });
});

describe("the role catalogue", () => {
  it("lists the seeded roles and adds an operator's role once; bad keys and scopes are refused", async () => {
    const listed = await json<{ roles: Array<{ key: string; scope: string }> }>(await adminCall("/admin/roles"));
    expect(listed.roles.map((role) => role.key)).toEqual(
      expect.arrayContaining(["PLATFORM_ADMIN", "OWNER", "STAFF", "CUSTOMER"]),
    );
    const created = await adminCall("/admin/roles", { json: { key: "BILLING", scope: "TENANT", description: "Pays" } });
    expect(await created.json()).toEqual({ role: { key: "BILLING", scope: "TENANT", description: "Pays" } });
    expect(
      await ctx.count("audit_events", "action = 'admin.role_created' AND actor_id = $1", [admin.userId]),
    ).toBeGreaterThan(0);
    const before = await ctx.snapshot();
    expect(await errorOf(await adminCall("/admin/roles", { json: { key: "BILLING", scope: "PLATFORM" } }))).toEqual([
      409,
      "role_exists",
    ]);
    for (const body of [
      { key: "billing", scope: "TENANT" },
      { key: "B", scope: "TENANT" },
      { key: "AUDITOR", scope: "GLOBAL" },
      { key: "AUDITOR", scope: "TENANT", extra: 1 },
      { key: "AUDITOR", scope: "TENANT", description: "x".repeat(501) },
    ]) {
      expect(await errorOf(await adminCall("/admin/roles", { json: body }))).toEqual([400, "invalid_request"]);
    }
    expect(await ctx.count("roles", "key = 'BILLING'")).toBe(1);
    const roles = await ctx.count("roles");
    expect(roles).toBeGreaterThan(4);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
