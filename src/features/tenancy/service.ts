// Tenants: creating one (its creator becomes OWNER and switches to it), the caller's memberships, and
// who may read a tenant's member list.
import type { Config } from "../../config/index.ts";
import { recordAuditEvent } from "../audit/service.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import { incrementMembershipEpoch, publishMembershipEpoch } from "./epoch.ts";
import {
  findActiveMemberRoles,
  insertTenantWithOwner,
  listTenantMembers,
  lockCreator,
  type TenantMember,
  type TenantRow,
} from "./repository.ts";
import { OWNER, STAFF } from "./role-catalogue.ts";
import { type SwitchResult, switchActiveTenant } from "./switch.ts";

export type TenantLimits = Pick<Config, "maxTenantsPerUser" | "requireEmailVerification">;

export type CreateTenantResult =
  | {
      kind: "created";
      tenant: TenantRow;
      roles: string[];
      /** The session switched to the new tenant (not "ok" only when the session ended meanwhile). */
      switched: SwitchResult;
    }
  | { kind: "slug_taken" }
  | { kind: "limit_reached" }
  | { kind: "email_unverified" }
  | { kind: "user_inactive" };

/**
 * Creates the tenant and the caller's OWNER membership in one transaction. The user's row is locked
 * first, so concurrent creations by one user count each other against MAX_TENANTS_PER_USER. Then the
 * session switches to it; under REQUIRE_MFA_ROLES the new token waits for a second factor.
 */
export async function createTenant(
  deps: SessionDeps,
  input: {
    userId: string;
    sessionId: string;
    slug: string;
    name: string;
    limits: TenantLimits;
    client: ClientInfo;
  },
): Promise<CreateTenantResult> {
  const outcome = await deps.db.$transaction(async (tx) => {
    const creator = await lockCreator(tx, input.userId);
    if (!creator) return { kind: "user_inactive" } as const;
    if (input.limits.requireEmailVerification && !creator.verified) return { kind: "email_unverified" } as const;
    if (creator.created >= input.limits.maxTenantsPerUser) return { kind: "limit_reached" } as const;
    const tenant = await insertTenantWithOwner(tx, {
      slug: input.slug,
      name: input.name,
      userId: input.userId,
      now: deps.now,
    });
    if (!tenant) return { kind: "slug_taken" } as const;
    return { kind: "inserted", tenant, epoch: await incrementMembershipEpoch(tx, input.userId) } as const;
  });
  if (outcome.kind !== "inserted") return outcome;
  const { tenant, epoch } = outcome;
  await publishMembershipEpoch(deps, input.userId, epoch);
  await recordAuditEvent(deps.db, {
    action: "tenant.created",
    success: true,
    userId: input.userId,
    actorId: input.userId,
    tenantId: tenant.id,
    ipHash: input.client.ipHash,
    userAgent: input.client.userAgent,
    metadata: { slug: tenant.slug, roles: [OWNER] },
  });
  const switched = await switchActiveTenant(deps, {
    sessionId: input.sessionId,
    userId: input.userId,
    tenant: { id: tenant.id },
    client: input.client,
  });
  return { kind: "created", tenant, roles: [OWNER], switched };
}

/**
 * Who may list a tenant's members: owners and staff. Customers may not: a tenant's customers are
 * one another's strangers, and the list shows every member's email address.
 */
export const MEMBER_LIST_ROLES: readonly string[] = [OWNER, STAFF];

/** Members per page of GET /auth/tenants/:id/members (default and maximum). */
export const MEMBER_PAGE = { defaultSize: 50, maxSize: 100 } as const;

export type MemberPage =
  | { kind: "ok"; members: TenantMember[]; nextCursor: string | null }
  | { kind: "tenant_not_found" }
  | { kind: "forbidden" };

/** One page of the tenant's members, for an active member holding a MEMBER_LIST_ROLES role (read from the database). */
export async function listMembersFor(
  deps: Pick<SessionDeps, "db">,
  input: { tenantId: string; actorId: string; cursor: string | null; limit: number },
): Promise<MemberPage> {
  const roles = await findActiveMemberRoles(deps.db, { tenantId: input.tenantId, userId: input.actorId });
  if (!roles) return { kind: "tenant_not_found" };
  if (!roles.some((role) => MEMBER_LIST_ROLES.includes(role))) return { kind: "forbidden" };
  const rows = await listTenantMembers(deps.db, {
    tenantId: input.tenantId,
    after: input.cursor,
    limit: input.limit + 1,
  });
  const members = rows.slice(0, input.limit);
  const last = members.at(-1);
  return { kind: "ok", members, nextCursor: rows.length > input.limit && last ? last.membershipId : null };
}
