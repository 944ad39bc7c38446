// Changing a tenant's members: an OWNER sets a member's roles or removes them, a member leaves. Each
// change runs under the tenant's row lock and keeps at least one OWNER; each moves the member's
// membership epoch, so tokens issued before it stop working at the edge.
import { recordAuditEvent } from "../audit/service.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import { incrementMembershipEpoch, publishMembershipEpoch } from "./epoch.ts";
import {
  countOtherOwners,
  deleteMembership,
  findMembership,
  findTenantRoles,
  lockTenant,
  type Queries,
  replaceMembershipRoles,
} from "./repository.ts";
import { OWNER } from "./role-catalogue.ts";

export type MemberChangeFailure =
  | { kind: "tenant_not_found" }
  | { kind: "forbidden" }
  | { kind: "member_not_found" }
  | { kind: "last_owner" };

export type RoleChangeResult =
  | { kind: "ok"; roles: string[]; previous: string[] }
  | MemberChangeFailure
  | { kind: "unknown_role" };

export type RemovalResult = { kind: "ok" } | MemberChangeFailure;

type Change = { tenantId: string; actorId: string; targetUserId: string; client: ClientInfo };
type Target = { id: string; roles: string[] };

const sameRoles = (a: readonly string[], b: readonly string[]) => [...a].sort().join() === [...b].sort().join();

/**
 * Under the tenant's lock (read committed: every statement after it sees the previous change): the
 * actor must be an active OWNER now, not only when their token was issued, and the target a member.
 */
async function ownerAndTarget(
  tx: Queries,
  change: Pick<Change, "tenantId" | "actorId" | "targetUserId">,
): Promise<MemberChangeFailure | { kind: "found"; target: Target }> {
  if (!(await lockTenant(tx, change.tenantId, { activeOnly: true }))) return { kind: "tenant_not_found" };
  const actor = await findMembership(tx, { tenantId: change.tenantId, userId: change.actorId });
  if (actor?.status !== "ACTIVE") return { kind: "tenant_not_found" };
  if (!actor.roles.includes(OWNER)) return { kind: "forbidden" };
  const target =
    change.targetUserId === change.actorId
      ? actor
      : await findMembership(tx, { tenantId: change.tenantId, userId: change.targetUserId });
  return target ? { kind: "found", target } : { kind: "member_not_found" };
}

/** True when taking OWNER from `target` would leave the tenant without an owner who can act. */
async function wouldLeaveNoOwner(tx: Queries, tenantId: string, userId: string, target: Target): Promise<boolean> {
  return target.roles.includes(OWNER) && (await countOtherOwners(tx, { tenantId, exceptUserId: userId })) === 0;
}

async function announce(
  deps: SessionDeps,
  change: Change,
  epoch: number,
  action: "tenant.member_roles_changed" | "tenant.member_removed" | "tenant.member_left",
  metadata: Record<string, string[]> = {},
): Promise<void> {
  await publishMembershipEpoch(deps, change.targetUserId, epoch);
  await recordAuditEvent(deps.db, {
    action,
    success: true,
    userId: change.targetUserId,
    actorId: change.actorId,
    tenantId: change.tenantId,
    ipHash: change.client.ipHash,
    userAgent: change.client.userAgent,
    metadata,
  });
}

/** Makes `roles` (tenant-scoped catalogue roles, at least one) the target's roles. Owner only. */
export async function changeMemberRoles(
  deps: SessionDeps,
  change: Change & { roles: readonly string[] },
): Promise<RoleChangeResult> {
  const roles = [...new Set(change.roles)].sort();
  if ((await findTenantRoles(deps.db, roles)).length !== roles.length) return { kind: "unknown_role" };
  const outcome = await deps.db.$transaction(async (tx) => {
    const found = await ownerAndTarget(tx, change);
    if (found.kind !== "found") return found;
    const previous = found.target.roles;
    if (sameRoles(previous, roles)) return { kind: "unchanged", previous } as const;
    if (!roles.includes(OWNER) && (await wouldLeaveNoOwner(tx, change.tenantId, change.targetUserId, found.target)))
      return { kind: "last_owner" } as const;
    await replaceMembershipRoles(tx, { membershipId: found.target.id, roles, now: deps.now });
    return { kind: "changed", previous, epoch: await incrementMembershipEpoch(tx, change.targetUserId) } as const;
  });
  if (outcome.kind === "unchanged") return { kind: "ok", roles, previous: outcome.previous };
  if (outcome.kind !== "changed") return outcome;
  await announce(deps, change, outcome.epoch, "tenant.member_roles_changed", { roles, previous: outcome.previous });
  return { kind: "ok", roles, previous: outcome.previous };
}

/** Removes the target from the tenant (their sessions lose it as active tenant). Owner only. */
export async function removeMember(deps: SessionDeps, change: Change): Promise<RemovalResult> {
  const outcome = await deps.db.$transaction(async (tx) => {
    const found = await ownerAndTarget(tx, change);
    if (found.kind !== "found") return found;
    if (await wouldLeaveNoOwner(tx, change.tenantId, change.targetUserId, found.target))
      return { kind: "last_owner" } as const;
    await deleteMembership(tx, {
      membershipId: found.target.id,
      tenantId: change.tenantId,
      userId: change.targetUserId,
    });
    return {
      kind: "removed",
      epoch: await incrementMembershipEpoch(tx, change.targetUserId),
      roles: found.target.roles,
    } as const;
  });
  if (outcome.kind !== "removed") return outcome;
  await announce(deps, change, outcome.epoch, "tenant.member_removed", { roles: outcome.roles });
  return { kind: "ok" };
}

/**
 * The caller leaves the tenant (suspended tenants and memberships too: leaving only gives up access).
 * The last OWNER cannot leave: they hand the tenant on first.
 */
export async function leaveTenant(
  deps: SessionDeps,
  input: { tenantId: string; userId: string; client: ClientInfo },
): Promise<{ kind: "ok" } | { kind: "tenant_not_found" } | { kind: "last_owner" }> {
  const outcome = await deps.db.$transaction(async (tx) => {
    if (!(await lockTenant(tx, input.tenantId, { activeOnly: false }))) return { kind: "tenant_not_found" } as const;
    const membership = await findMembership(tx, { tenantId: input.tenantId, userId: input.userId });
    if (!membership) return { kind: "tenant_not_found" } as const;
    if (await wouldLeaveNoOwner(tx, input.tenantId, input.userId, membership)) return { kind: "last_owner" } as const;
    await deleteMembership(tx, { membershipId: membership.id, tenantId: input.tenantId, userId: input.userId });
    return { kind: "left", epoch: await incrementMembershipEpoch(tx, input.userId), roles: membership.roles } as const;
  });
  if (outcome.kind !== "left") return outcome;
  const change = { tenantId: input.tenantId, actorId: input.userId, targetUserId: input.userId, client: input.client };
  await announce(deps, change, outcome.epoch, "tenant.member_left", { roles: outcome.roles });
  return { kind: "ok" };
}
