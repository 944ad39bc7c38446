// What an access token carries about the user's tenants and roles: read from Postgres in the same
// statement that starts or refreshes the session (scalar subqueries over a user and a tenant column),
// or on its own for a step-up or a tenant switch.
import type { Database } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";

/** The columns `authorizationColumns` adds to a row. */
export type AuthorizationRow = {
  tenant_id: string | null;
  tenant_slug: string | null;
  tenant_roles: string[] | null;
  platform_roles: string[] | null;
  membership_epoch: number | null;
  has_second_factor: boolean | null;
  holds_mfa_role: boolean | null;
  onboarding_complete: boolean | null;
  profile_name: string | null;
  profile_username: string | null;
};

/** The token's view of the user's authorization. */
export type TokenAuthorization = {
  tenant?: { id: string; slug: string };
  /** The active tenant's membership roles, then the platform roles; empty while MFA enrollment is required. */
  roles: string[];
  membershipEpoch: number;
  /** The user holds a role in REQUIRE_MFA_ROLES, has no second factor and this session proved none. */
  mfaEnrollmentRequired: boolean;
  /** Issue 15: the user's onboarding session is completed (the token's `onb` claim). */
  onboardingComplete: boolean;
  /** Issue 15: the profile claims (`name`, `preferred_username`) the gateway forwards on profile routes. */
  profile: { name: string | null; username: string | null };
};

/**
 * Scalar subqueries naming the active tenant (only while the membership and the tenant are active),
 * its roles, the platform roles, the membership epoch, what decides forced MFA enrollment, and whether
 * onboarding is completed.
 * `user` and `tenant` are SQL expressions (column references) of the enclosing query.
 */
export function authorizationColumns(user: Prisma.Sql, tenant: Prisma.Sql, requireMfaRoles: readonly string[]) {
  const mfaRoles = [...requireMfaRoles];
  return Prisma.sql`
    (SELECT t.id FROM tenants t JOIN memberships m ON m.tenant_id = t.id
      WHERE t.id = ${tenant} AND t.status = 'ACTIVE' AND m.user_id = ${user} AND m.status = 'ACTIVE') AS tenant_id,
    (SELECT t.slug FROM tenants t JOIN memberships m ON m.tenant_id = t.id
      WHERE t.id = ${tenant} AND t.status = 'ACTIVE' AND m.user_id = ${user} AND m.status = 'ACTIVE') AS tenant_slug,
    ARRAY(SELECT mr.role_key FROM memberships m
            JOIN tenants t ON t.id = m.tenant_id AND t.status = 'ACTIVE'
            JOIN membership_roles mr ON mr.membership_id = m.id
          WHERE m.user_id = ${user} AND m.tenant_id = ${tenant} AND m.status = 'ACTIVE' ORDER BY mr.role_key) AS tenant_roles,
    ARRAY(SELECT g.role_key FROM platform_role_grants g WHERE g.user_id = ${user} ORDER BY g.role_key) AS platform_roles,
    (SELECT u.membership_epoch FROM users u WHERE u.id = ${user}) AS membership_epoch,
    EXISTS (SELECT 1 FROM totp_credentials c WHERE c.user_id = ${user} AND c.confirmed_at IS NOT NULL) AS has_second_factor,
    (EXISTS (SELECT 1 FROM platform_role_grants g WHERE g.user_id = ${user} AND g.role_key = ANY(${mfaRoles}::text[]))
      OR EXISTS (SELECT 1 FROM memberships m JOIN membership_roles mr ON mr.membership_id = m.id
                 WHERE m.user_id = ${user} AND m.status = 'ACTIVE' AND mr.role_key = ANY(${mfaRoles}::text[]))) AS holds_mfa_role,
    EXISTS (SELECT 1 FROM onboarding_sessions o WHERE o.user_id = ${user} AND o.completed_at IS NOT NULL) AS onboarding_complete,
    (SELECT u.name FROM users u WHERE u.id = ${user}) AS profile_name,
    (SELECT u.username FROM users u WHERE u.id = ${user}) AS profile_username`;
}

/** Turns the columns into the token's view; `amr` is the session's (a proven "mfa" lifts enrollment). */
export function tokenAuthorizationOf(row: AuthorizationRow, amr: readonly string[]): TokenAuthorization {
  const mfaEnrollmentRequired = row.holds_mfa_role === true && row.has_second_factor !== true && !amr.includes("mfa");
  const epoch = row.membership_epoch ?? 0;
  const onboardingComplete = row.onboarding_complete === true;
  const profile = { name: row.profile_name ?? null, username: row.profile_username ?? null };
  if (mfaEnrollmentRequired)
    return { roles: [], membershipEpoch: epoch, mfaEnrollmentRequired, onboardingComplete, profile };
  const tenantRoles = row.tenant_id ? (row.tenant_roles ?? []) : [];
  return {
    ...(row.tenant_id && row.tenant_slug ? { tenant: { id: row.tenant_id, slug: row.tenant_slug } } : {}),
    roles: [...new Set([...tenantRoles, ...(row.platform_roles ?? [])])],
    membershipEpoch: epoch,
    mfaEnrollmentRequired,
    onboardingComplete,
    profile,
  };
}

/** The authorization of `userId` with `tenantId` active (null: none), read on its own. */
export async function loadTokenAuthorization(
  db: Database,
  input: { userId: string; tenantId: string | null; amr: readonly string[]; requireMfaRoles: readonly string[] },
): Promise<TokenAuthorization> {
  const rows = await db.$queryRaw<AuthorizationRow[]>`
    SELECT ${authorizationColumns(Prisma.sql`${input.userId}::uuid`, Prisma.sql`${input.tenantId}::uuid`, input.requireMfaRoles)}`;
  return tokenAuthorizationOf(rows[0] as AuthorizationRow, input.amr);
}
