// Platform role grants and the role catalogue, as a platform admin changes them. A grant or removal
// moves the user's membership epoch in the same transaction, so the edge refuses their older tokens.
import type { Database } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { recordAuditEvent } from "../audit/service.ts";
import type { SessionDeps } from "../session/service.ts";
import { incrementMembershipEpoch, publishMembershipEpoch } from "../tenancy/epoch.ts";
import { PLATFORM_ADMIN, type RoleScope } from "../tenancy/role-catalogue.ts";
import { isLastActivePlatformAdmin } from "./last-admin.ts";
import type { AdminActor } from "./service.ts";

export type GrantResult =
  | { kind: "granted" | "already_granted" | "removed" }
  | { kind: "not_found" | "unknown_role" | "not_granted" | "last_admin" | "not_active" };

const auditClient = (actor: AdminActor) => ({ ipHash: actor.client.ipHash, userAgent: actor.client.userAgent });

// Interactive transactions hand out a client without $transaction; the epoch helper only runs SQL on it.
const asDatabase = (tx: Prisma.TransactionClient) => tx as unknown as Database;

async function isPlatformRole(db: Database, roleKey: string): Promise<boolean> {
  const role = await db.role.findUnique({ where: { key: roleKey }, select: { scope: true } });
  return role?.scope === "PLATFORM";
}

/** Grants a PLATFORM-scope role; granting one the user holds changes nothing. */
export async function grantPlatformRole(
  deps: SessionDeps,
  actor: AdminActor,
  input: { userId: string; roleKey: string },
): Promise<GrantResult> {
  if (!(await isPlatformRole(deps.db, input.roleKey))) return { kind: "unknown_role" };
  const user = await deps.db.user.findUnique({ where: { id: input.userId }, select: { status: true } });
  if (!user) return { kind: "not_found" };
  // A disabled or deleted user gains no powers: they are enabled (or restored) first.
  if (user.status !== "ACTIVE") return { kind: "not_active" };
  const epoch = await deps.db.$transaction(async (tx) => {
    const inserted = await tx.platformRoleGrant.createMany({
      data: [{ userId: input.userId, roleKey: input.roleKey, grantedById: actor.adminId }],
      skipDuplicates: true,
    });
    if (inserted.count === 0) return null;
    const next = await incrementMembershipEpoch(asDatabase(tx), input.userId);
    await recordAuditEvent(asDatabase(tx), {
      action: "admin.platform_role_granted",
      success: true,
      userId: input.userId,
      actorId: actor.adminId,
      ...auditClient(actor),
      metadata: { role: input.roleKey },
    });
    return next;
  });
  if (epoch === null) return { kind: "already_granted" };
  await publishMembershipEpoch(deps, input.userId, epoch);
  return { kind: "granted" };
}

/**
 * Removes a platform role grant. The PLATFORM_ADMIN grants are locked first, so two admins removing
 * each other at once cannot leave the service with none who can sign in (last-admin.ts).
 */
export async function removePlatformRole(
  deps: SessionDeps,
  actor: AdminActor,
  input: { userId: string; roleKey: string },
): Promise<GrantResult> {
  if (!(await isPlatformRole(deps.db, input.roleKey))) return { kind: "unknown_role" };
  const user = await deps.db.user.findUnique({ where: { id: input.userId }, select: { id: true } });
  if (!user) return { kind: "not_found" };
  const outcome = await deps.db.$transaction(async (tx) => {
    if (input.roleKey === PLATFORM_ADMIN && (await isLastActivePlatformAdmin(tx, input.userId)))
      return { kind: "last_admin" } as const;
    const deleted = await tx.platformRoleGrant.deleteMany({ where: { userId: input.userId, roleKey: input.roleKey } });
    if (deleted.count === 0) return { kind: "not_granted" } as const;
    const epoch = await incrementMembershipEpoch(asDatabase(tx), input.userId);
    await recordAuditEvent(asDatabase(tx), {
      action: "admin.platform_role_removed",
      success: true,
      userId: input.userId,
      actorId: actor.adminId,
      ...auditClient(actor),
      metadata: { role: input.roleKey },
    });
    return { kind: "removed", epoch } as const;
  });
  if (outcome.kind !== "removed") return outcome;
  await publishMembershipEpoch(deps, input.userId, outcome.epoch);
  return { kind: "removed" };
}

export type CreateRoleResult =
  | { kind: "created"; role: { key: string; scope: RoleScope; description: string } }
  | {
      kind: "exists";
    };

/** Adds an operator's own role to the catalogue; a key that exists (any scope) is refused. */
export async function createRole(
  db: Database,
  actor: AdminActor,
  input: { key: string; scope: RoleScope; description: string },
): Promise<CreateRoleResult> {
  const inserted = await db.role.createMany({ data: [input], skipDuplicates: true });
  if (inserted.count === 0) return { kind: "exists" };
  await recordAuditEvent(db, {
    action: "admin.role_created",
    success: true,
    actorId: actor.adminId,
    ...auditClient(actor),
    metadata: { role: input.key, scope: input.scope },
  });
  return { kind: "created", role: input };
}
