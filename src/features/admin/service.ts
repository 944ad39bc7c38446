// What a platform admin changes about a user: disable, enable, end sessions, mail a reset link. Each
// is audited as admin.* with the admin as actor and the user as subject. Roles are in roles.ts.
import { disableUser } from "../account/service.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { type ClientInfo, revokeSessions, type SessionDeps } from "../session/service.ts";
import type { ResetRequestDeps } from "../verification/reset.ts";
import { requestPasswordReset } from "../verification/reset.ts";

/** Who acts, from where: the audit's actor and client columns. */
export type AdminActor = { adminId: string; client: ClientInfo };

type UserState = "ACTIVE" | "DISABLED" | "DELETED";

export type StatusChange =
  | { kind: "changed" | "unchanged"; status: UserState }
  | { kind: "not_found" }
  | { kind: "self" }
  | { kind: "last_admin" }
  | { kind: "deleted" };

const auditClient = (client: ClientInfo) => ({ ipHash: client.ipHash, userAgent: client.userAgent });

async function statusOf(deps: Pick<SessionDeps, "db">, userId: string): Promise<UserState | null> {
  const user = await deps.db.user.findUnique({ where: { id: userId }, select: { status: true } });
  return user?.status ?? null;
}

/**
 * Disables the user through the account service (every session revoked in the database and at the
 * edge, a per-user not-before marker); an admin cannot disable themselves.
 */
export async function disableUserAsAdmin(
  deps: SessionDeps,
  actor: AdminActor,
  input: { userId: string; reason?: string },
): Promise<StatusChange> {
  if (input.userId === actor.adminId) return { kind: "self" };
  const status = await statusOf(deps, input.userId);
  if (status === null) return { kind: "not_found" };
  if (status === "DELETED") return { kind: "deleted" };
  const disabled = await disableUser(deps, { userId: input.userId, reason: "admin", client: actor.client });
  if (disabled === "last_admin") return { kind: "last_admin" };
  if (disabled === "unchanged") return { kind: "unchanged", status: "DISABLED" };
  await recordAuditEvent(deps.db, {
    action: "admin.user_disabled",
    success: true,
    userId: input.userId,
    actorId: actor.adminId,
    ...auditClient(actor.client),
    metadata: input.reason ? { reason: input.reason } : {},
  });
  return { kind: "changed", status: "DISABLED" };
}

/** Lets a disabled user sign in again (sessions from before stay ended: disable moved the credential epoch). */
export async function enableUserAsAdmin(
  deps: SessionDeps,
  actor: AdminActor,
  input: { userId: string },
): Promise<StatusChange> {
  const updated = await deps.db.user.updateMany({
    where: { id: input.userId, status: "DISABLED" },
    data: { status: "ACTIVE" },
  });
  if (updated.count === 0) {
    const status = await statusOf(deps, input.userId);
    if (status === null) return { kind: "not_found" };
    return status === "DELETED" ? { kind: "deleted" } : { kind: "unchanged", status };
  }
  await recordAuditEvent(deps.db, {
    action: "admin.user_enabled",
    success: true,
    userId: input.userId,
    actorId: actor.adminId,
    ...auditClient(actor.client),
  });
  return { kind: "changed", status: "ACTIVE" };
}

export type RevokeResult =
  | { kind: "revoked"; sessionIds: string[] }
  | { kind: "not_found" }
  | { kind: "session_not_found" };

/** Ends every active session of the user, or only `sessionId`; their access tokens stop at the edge at once. */
export async function revokeUserSessionsAsAdmin(
  deps: SessionDeps,
  actor: AdminActor,
  input: { userId: string; sessionId?: string },
): Promise<RevokeResult> {
  if ((await statusOf(deps, input.userId)) === null) return { kind: "not_found" };
  const filter = input.sessionId ? { only: [input.sessionId] } : {};
  const revoked = await revokeSessions(deps, input.userId, filter, "revoked_by_admin");
  if (input.sessionId && revoked.length === 0) return { kind: "session_not_found" };
  await recordAuditEvent(deps.db, {
    action: "admin.sessions_revoked",
    success: true,
    userId: input.userId,
    actorId: actor.adminId,
    ...auditClient(actor.client),
    metadata: { sessionIds: revoked, scope: input.sessionId ? "one" : "all" },
  });
  return { kind: "revoked", sessionIds: revoked };
}

export type ResetLinkResult = { kind: "sent" } | { kind: "not_found" | "deleted" };

/**
 * Mails the user the normal reset link (the reset service's own send limits apply). The address is
 * the user's own: an admin never chooses where the link goes.
 */
export async function sendPasswordResetAsAdmin(
  deps: ResetRequestDeps,
  actor: AdminActor,
  input: { userId: string },
): Promise<ResetLinkResult> {
  const user = await deps.db.user.findUnique({ where: { id: input.userId }, select: { email: true, status: true } });
  if (!user) return { kind: "not_found" };
  if (user.status === "DELETED") return { kind: "deleted" };
  await requestPasswordReset(deps, user.email, actor.client);
  await recordAuditEvent(deps.db, {
    action: "admin.password_reset_sent",
    success: true,
    userId: input.userId,
    actorId: actor.adminId,
    ...auditClient(actor.client),
  });
  return { kind: "sent" };
}
