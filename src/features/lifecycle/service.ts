// The user lifecycle: soft delete (by the user or an admin), the retention window, scrub and hard delete.
import type { Database } from "../../db/client.ts";
import { sendEmail } from "../../delivery/mailer.ts";
import { accountDeletionMessage } from "../../delivery/templates.ts";
import { afterResponse } from "../../http/after-response.ts";
import { markSessionsRevoked, markUserNotBefore } from "../../kv/revocation.ts";
import { isLastActivePlatformAdmin } from "../admin/last-admin.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { notifyFor } from "../notifications/notify.ts";
import { type ClientInfo, revokeSessions, type SessionDeps } from "../session/service.ts";
import { publishMembershipEpoch } from "../tenancy/epoch.ts";
import {
  deleteInvitationsTo,
  findTenantLastOwnedBy,
  findUsersToScrub,
  lockUser,
  markUserDeleted,
  scrubUser,
} from "./repository.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Users scrubbed per scheduled run at most: each is one short transaction. */
export const SCRUB_BATCH_SIZE = 50;

export type LifecycleSettings = { deletedUserRetentionDays: number; accessTokenTtlSeconds: number };
export type LifecycleDeps = SessionDeps & {
  settings: SessionDeps["settings"] & LifecycleSettings;
  mail: Parameters<typeof sendEmail>[1];
  appUrl: string;
};

/** When a user deleted at `deletedAt` is scrubbed (from then on a reset no longer brings them back). */
export const scrubDateOf = (deletedAt: Date, retentionDays: number) =>
  new Date(deletedAt.getTime() + retentionDays * DAY_MS);

/** Deleted before this instant: past the retention at `now`. */
export const retentionCutoff = (now: Date, retentionDays: number) => new Date(now.getTime() - retentionDays * DAY_MS);

/** Whether a password reset may still reach this user: not deleted, or deleted within the retention and not scrubbed. */
export function isRecoverable(
  user: { status: string; deletedAt: Date | null; scrubbedAt: Date | null; deletedByAdmin: boolean },
  now: Date,
  retentionDays: number,
): boolean {
  if (user.status !== "DELETED") return true;
  // An admin's deletion is final: a reset by the user does not undo it (admins disable to suspend).
  if (user.deletedByAdmin || user.scrubbedAt || !user.deletedAt) return false;
  return user.deletedAt > retentionCutoff(now, retentionDays);
}

export type DeleteResult =
  | { kind: "deleted"; scrubOn: Date }
  | { kind: "last_owner"; tenantSlug: string }
  | { kind: "last_admin" }
  | { kind: "not_found" }
  | { kind: "not_active" };

/**
 * Soft-deletes a user: DELETED now, every session revoked in the database and at the edge, memberships
 * kept until the scrub, a mail saying how to cancel. Refused while the user is a tenant's last owner.
 * `actorId` is the admin who did it (audited as admin.user_deleted), or null for the user themselves.
 */
export async function softDeleteUser(
  deps: LifecycleDeps,
  input: { userId: string; actorId: string | null; client: ClientInfo },
): Promise<DeleteResult> {
  const outcome = await deps.db.$transaction(async (tx) => {
    // The grants first (the order every last-admin check takes), then the user.
    const lastAdmin = await isLastActivePlatformAdmin(tx, input.userId);
    const user = await lockUser(tx, input.userId);
    if (!user) return { kind: "not_found" as const };
    if (user.status !== "ACTIVE") return { kind: "not_active" as const };
    if (lastAdmin) return { kind: "last_admin" as const };
    const tenantSlug = await findTenantLastOwnedBy(tx, input.userId);
    if (tenantSlug) return { kind: "last_owner" as const, tenantSlug };
    await markUserDeleted(tx, { userId: input.userId, now: deps.now, byAdmin: input.actorId !== null });
    return { kind: "deleted" as const, email: user.email };
  });
  if (outcome.kind !== "deleted") return outcome;
  await endEverySession(deps, input.userId, "user_deleted");
  await recordAuditEvent(deps.db, {
    action: input.actorId ? "admin.user_deleted" : "user.deleted",
    success: true,
    userId: input.userId,
    actorId: input.actorId,
    ...input.client,
  });
  const retentionDays = deps.settings.deletedUserRetentionDays;
  const scrubOn = scrubDateOf(deps.now, retentionDays);
  // In-app only (a reset before scrubOn brings the account and its inbox back); the notice below is the mail.
  await notifyFor(deps, input.actorId ? "admin.user_deleted" : "user.deleted", {
    userId: input.userId,
    data: { scrubOn: scrubOn.toISOString().slice(0, 10), byAdmin: input.actorId !== null },
  });
  await afterResponse(deps, () =>
    sendEmail(
      deps.db,
      deps.mail,
      outcome.email,
      accountDeletionMessage({
        scrubOn,
        resetLink: input.actorId ? null : `${deps.appUrl}/auth/forgot-password`,
      }),
    ),
  );
  return { kind: "deleted", scrubOn };
}

/** Revokes every session (database and edge) and refuses every access token issued before now. */
async function endEverySession(deps: SessionDeps, userId: string, reason: string): Promise<void> {
  await revokeSessions(deps, userId, {}, reason);
  const notBefore = Math.ceil(deps.now.getTime() / 1000);
  await markUserNotBefore(deps.kv, userId, notBefore, deps.settings.accessTokenTtlSeconds);
}

export type HardDeleteResult =
  | { kind: "deleted" }
  | { kind: "last_owner"; tenantSlug: string }
  | { kind: "last_admin" }
  | { kind: "not_found" };

/**
 * Removes the user row and everything that cascades from it; audit rows stay with user_id/actor_id
 * NULL. The edge learns first (sessions and a not-before marker), so no token outlives the row.
 */
export async function hardDeleteUser(
  deps: SessionDeps,
  input: { userId: string; actorId: string; client: ClientInfo },
): Promise<HardDeleteResult> {
  const active = await deps.db.session.findMany({
    where: { userId: input.userId, revokedAt: null },
    select: { id: true },
  });
  const outcome = await deps.db.$transaction(async (tx) => {
    const lastAdmin = await isLastActivePlatformAdmin(tx, input.userId);
    const user = await lockUser(tx, input.userId);
    if (!user) return { kind: "not_found" as const };
    if (lastAdmin) return { kind: "last_admin" as const };
    // A deleted user passed this check when deleted (and never counts as another tenant's owner since).
    const tenantSlug = user.status === "DELETED" ? null : await findTenantLastOwnedBy(tx, input.userId);
    if (tenantSlug) return { kind: "last_owner" as const, tenantSlug };
    await deleteInvitationsTo(tx, { email: user.email, userId: input.userId });
    await tx.outboxMessage.deleteMany({ where: { recipient: user.email } });
    await tx.user.delete({ where: { id: input.userId } });
    return { kind: "deleted" as const };
  });
  if (outcome.kind !== "deleted") return outcome;
  const ttl = deps.settings.accessTokenTtlSeconds;
  await markSessionsRevoked(
    deps.kv,
    active.map((s) => s.id),
    ttl,
  );
  await markUserNotBefore(deps.kv, input.userId, Math.ceil(deps.now.getTime() / 1000), ttl);
  await recordAuditEvent(deps.db, {
    action: "admin.user_hard_deleted",
    success: true,
    userId: null,
    actorId: input.actorId,
    ...input.client,
    metadata: { deletedUserId: input.userId },
  });
  return { kind: "deleted" };
}

export type ScrubReport = { scrubbed: number };

/**
 * Scrubs up to `batchSize` users deleted more than the retention ago (the scheduled handler's job).
 * Idempotent: a scrubbed user is never picked again, and a concurrent run skips what the other took.
 */
export async function scrubDeletedUsers(
  deps: { db: Database; kv: KVNamespace; settings: LifecycleSettings; now: Date },
  batchSize = SCRUB_BATCH_SIZE,
): Promise<ScrubReport> {
  const cutoff = retentionCutoff(deps.now, deps.settings.deletedUserRetentionDays);
  const users = await findUsersToScrub(deps.db, cutoff, batchSize);
  let scrubbed = 0;
  for (const { id } of users) {
    if (!(await scrubUser(deps.db, id, cutoff, deps.now))) continue;
    scrubbed += 1;
    const user = await deps.db.user.findUnique({ where: { id }, select: { membershipEpoch: true } });
    if (user) await publishMembershipEpoch(deps, id, user.membershipEpoch);
    await recordAuditEvent(deps.db, { action: "user.scrubbed", success: true, userId: id });
  }
  return { scrubbed };
}
