// What access tokens say about tenants and roles, read in the login and refresh statements, and the
// membership epoch that makes the edge refuse a token issued before a role change (issue 14).
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpApi } from "../../../test/helpers/auth.ts";
import { withServiceDeps } from "../../../test/helpers/services.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";
import { bumpMembershipEpoch } from "./epoch.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  // Forced enrollment is its own concern (gateway/MFA tests); here roles reach tokens as they are.
  ctx = await setUpAuthTest({ REQUIRE_MFA_ROLES: "" });
});

const refresh = async (refreshToken: string) => {
  const response = await ctx.client().request("/auth/refresh", { json: { refreshToken }, origin: null });
  expect(response.status).toBe(200);
  return ((await response.json()) as { session: { accessToken: string; refreshToken: string } }).session;
};

const sessionStatus = (accessToken: string) =>
  ctx.client().request("/auth/session", { headers: { authorization: `Bearer ${accessToken}` } });

async function tenantWithMember(userId: string, slug: string, roles: string[], joinedSecondsAgo = 0) {
  const [tenant] = await ctx.sql<{ id: string }>(
    "INSERT INTO tenants (id, slug, name, updated_at) VALUES (gen_random_uuid(), $1, $1, now()) RETURNING id",
    [slug],
  );
  const [membership] = await ctx.sql<{ id: string }>(
    `INSERT INTO memberships (id, tenant_id, user_id, created_at, updated_at)
     VALUES (gen_random_uuid(), $1, $2, now() - make_interval(secs => $3), now()) RETURNING id`,
    [tenant?.id, userId, joinedSecondsAgo],
  );
  for (const role of roles) {
    await ctx.sql("INSERT INTO membership_roles (membership_id, role_key) VALUES ($1, $2)", [membership?.id, role]);
  }
  return tenant?.id ?? "";
}

const userIdOf = async (email: string) =>
  (await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]))[0]?.id ?? "";

describe("access token authorization", () => {
  it("carries no tenant and no roles for a user without memberships or grants", async () => {
    const session = await signUpApi(ctx);
    const claims = claimsOf(session.accessToken);
    expect(claims.roles).toEqual([]);
    expect(claims.tenant).toBeUndefined();
    expect(claims.mep).toBe(0);
    expect(claims.mfa_enroll).toBeUndefined();
  });

  it("a refresh picks up a new membership: the oldest one becomes active, with its roles and platform roles", async () => {
    const session = await signUpApi(ctx);
    const userId = await userIdOf(session.email);
    const older = await tenantWithMember(userId, `older-${userId.slice(-8)}`, ["STAFF", "CUSTOMER"], 60);
    await tenantWithMember(userId, `newer-${userId.slice(-8)}`, ["OWNER"]);
    await ctx.sql("INSERT INTO platform_role_grants (user_id, role_key) VALUES ($1, 'PLATFORM_ADMIN')", [userId]);
    // A new session picks the default tenant; an existing one keeps none until it switches.
    const login = await ctx.client().request("/auth/login", {
      json: { email: session.email, password: "correct horse battery staple 42", client: "api" },
      origin: null,
    });
    const claims = claimsOf(((await login.json()) as { session: { accessToken: string } }).session.accessToken);
    expect(claims.tenant).toBe(older);
    expect(claims.tenant_slug).toBe(`older-${userId.slice(-8)}`);
    expect(claims.roles).toEqual(["CUSTOMER", "STAFF", "PLATFORM_ADMIN"]);
    const refreshed = claimsOf((await refresh(session.refreshToken)).accessToken);
    expect(refreshed.tenant).toBeUndefined();
    expect(refreshed.roles).toEqual(["PLATFORM_ADMIN"]);
  });

  it("a membership of a suspended tenant or a suspended membership grants nothing", async () => {
    const session = await signUpApi(ctx);
    const userId = await userIdOf(session.email);
    const tenant = await tenantWithMember(userId, `paused-${userId.slice(-8)}`, ["STAFF"]);
    await ctx.sql("UPDATE sessions SET active_tenant_id = $1 WHERE user_id = $2", [tenant, userId]);
    await ctx.sql("UPDATE tenants SET status = 'SUSPENDED' WHERE id = $1", [tenant]);
    const first = await refresh(session.refreshToken);
    expect(claimsOf(first.accessToken)).toMatchObject({ roles: [] });
    expect(claimsOf(first.accessToken).tenant).toBeUndefined();
    await ctx.sql("UPDATE tenants SET status = 'ACTIVE' WHERE id = $1", [tenant]);
    await ctx.sql("UPDATE memberships SET status = 'SUSPENDED' WHERE tenant_id = $1", [tenant]);
    expect(claimsOf((await refresh(first.refreshToken)).accessToken).roles).toEqual([]);
  });

  it("refuses a token issued before the membership epoch moved on, and a refresh brings the new epoch", async () => {
    const session = await signUpApi(ctx);
    const userId = await userIdOf(session.email);
    expect((await sessionStatus(session.accessToken)).status).toBe(200);
    const epoch = await withServiceDeps(ctx, (deps) => bumpMembershipEpoch(deps, userId));
    expect(epoch).toBe(1);
    const stale = await sessionStatus(session.accessToken);
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    const renewed = await refresh(session.refreshToken);
    expect(claimsOf(renewed.accessToken).mep).toBe(1);
    expect((await sessionStatus(renewed.accessToken)).status).toBe(200);
  });
});
