// Narrow database operations of the user lifecycle: the last-owner check, soft delete, cancel, scrub and hard delete.
import type { Database } from "../../db/client.ts";
import { incrementMembershipEpoch } from "../tenancy/epoch.ts";
import { OWNER } from "../tenancy/role-catalogue.ts";

type Transaction = Parameters<Parameters<Database["$transaction"]>[0]>[0];

/** The address a scrubbed user keeps: unique, and in `.invalid` (RFC 2606), so nothing is ever sent to it. */
export const scrubbedEmailOf = (userId: string) => `deleted-${userId}@invalid`;

/**
 * The slug of a tenant where `userId` is the only active owner (other owners counted only while their
 * user is active), or null. Locks those tenants' rows first, so two owners deleting themselves at once
 * are serialized and the second sees the first gone.
 */
export async function findTenantLastOwnedBy(tx: Transaction, userId: string): Promise<string | null> {
  await tx.$queryRaw`
    SELECT t.id FROM tenants t
    WHERE t.id IN (
      SELECT m.tenant_id FROM memberships m JOIN membership_roles r ON r.membership_id = m.id AND r.role_key = ${OWNER}
      WHERE m.user_id = ${userId}::uuid AND m.status = 'ACTIVE')
    ORDER BY t.id FOR UPDATE`;
  const rows = await tx.$queryRaw<Array<{ slug: string }>>`
    SELECT t.slug FROM memberships m
    JOIN membership_roles r ON r.membership_id = m.id AND r.role_key = ${OWNER}
    JOIN tenants t ON t.id = m.tenant_id
    WHERE m.user_id = ${userId}::uuid AND m.status = 'ACTIVE'
      AND NOT EXISTS (
        SELECT 1 FROM memberships o
        JOIN membership_roles orr ON orr.membership_id = o.id AND orr.role_key = ${OWNER}
        JOIN users ou ON ou.id = o.user_id AND ou.status = 'ACTIVE'
        WHERE o.tenant_id = m.tenant_id AND o.user_id <> m.user_id AND o.status = 'ACTIVE')
    ORDER BY t.slug LIMIT 1`;
  return rows[0]?.slug ?? null;
}

/** Locks the user's row; its status and email, or null when there is no such user. */
export async function lockUser(tx: Transaction, userId: string) {
  const rows = await tx.$queryRaw<Array<{ id: string; email: string; status: string }>>`
    SELECT id, email, status::text AS status FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** ACTIVE → DELETED with a new credential epoch (no session or MFA challenge from before comes back). */
export async function markUserDeleted(
  tx: Transaction,
  input: { userId: string; now: Date; byAdmin: boolean },
): Promise<boolean> {
  const updated = await tx.user.updateMany({
    where: { id: input.userId, status: "ACTIVE" },
    data: { status: "DELETED", deletedAt: input.now, deletedByAdmin: input.byAdmin, credentialEpoch: { increment: 1 } },
  });
  return updated.count === 1;
}

/** DELETED → ACTIVE, only a self-deletion not scrubbed and within the retention; whether it changed anything. */
export async function cancelUserDeletion(tx: Transaction, userId: string, deletedAfter: Date): Promise<boolean> {
  const updated = await tx.user.updateMany({
    where: { id: userId, status: "DELETED", deletedByAdmin: false, scrubbedAt: null, deletedAt: { gt: deletedAfter } },
    data: { status: "ACTIVE", deletedAt: null },
  });
  return updated.count === 1;
}

/** Up to `limit` deleted users past the retention and not yet scrubbed, oldest first. */
export async function findUsersToScrub(db: Database, deletedBefore: Date, limit: number) {
  return db.user.findMany({
    where: { status: "DELETED", scrubbedAt: null, deletedAt: { lt: deletedBefore } },
    select: { id: true },
    orderBy: { deletedAt: "asc" },
    take: limit,
  });
}

/**
 * Removes one deleted user's personal data in one transaction; false when someone else scrubbed (or a
 * cancel reactivated) the user first. Audit rows stay; the address is taken out of their metadata.
 */
export async function scrubUser(db: Database, userId: string, deletedBefore: Date, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    // Grants before the user row: the order of every last-admin check (admin/last-admin.ts).
    await tx.$queryRaw`SELECT 1 FROM platform_role_grants WHERE user_id = ${userId}::uuid ORDER BY role_key FOR UPDATE`;
    const [user] = await tx.$queryRaw<Array<{ email: string }>>`
      SELECT email FROM users WHERE id = ${userId}::uuid AND status = 'DELETED' AND scrubbed_at IS NULL
        AND deleted_at < ${deletedBefore}::timestamptz FOR UPDATE`;
    if (!user) return false;
    const placeholder = scrubbedEmailOf(userId);
    await tx.account.deleteMany({ where: { userId } });
    await tx.externalIdentity.deleteMany({ where: { userId } });
    await tx.identityLinkIntent.deleteMany({ where: { userId } });
    await tx.passkey.deleteMany({ where: { userId } });
    await tx.webauthnChallenge.deleteMany({ where: { userId } });
    await tx.oAuthFlow.deleteMany({ where: { userId } });
    await tx.totpCredential.deleteMany({ where: { userId } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.verificationCode.deleteMany({ where: { userId } });
    await tx.mfaChallenge.deleteMany({ where: { userId } });
    await tx.session.deleteMany({ where: { userId } });
    await tx.membership.deleteMany({ where: { userId } });
    await tx.platformRoleGrant.deleteMany({ where: { userId } });
    await tx.onboardingSession.deleteMany({ where: { userId } });
    // Issue 15's personal data too: the inbox (devices' user agents, tenant and passkey names) and the
    // preferences (a time zone says where someone lives).
    await tx.notification.deleteMany({ where: { userId } });
    await tx.userPreference.deleteMany({ where: { userId } });
    await deleteInvitationsTo(tx, { email: user.email, userId });
    await tx.outboxMessage.deleteMany({ where: { recipient: user.email } });
    await tx.deliveryLogEntry.deleteMany({ where: { userId } });
    await tx.notification.deleteMany({ where: { userId } });
    await tx.userPreference.deleteMany({ where: { userId } });
    // The address as a JSON string value: replaced wherever it was recorded in the user's audit rows.
    await tx.$executeRaw`
      UPDATE audit_events SET metadata = replace(metadata::text, ${JSON.stringify(user.email)}, ${JSON.stringify(placeholder)})::jsonb
      WHERE (user_id = ${userId}::uuid OR actor_id = ${userId}::uuid) AND strpos(metadata::text, ${user.email}) > 0`;
    await tx.user.update({
      where: { id: userId },
      data: {
        email: placeholder,
        emailVerifiedAt: null,
        name: null,
        image: null,
        username: null,
        phoneNumber: null,
        phoneVerifiedAt: null,
        lockedAt: null,
        emailUndeliverableAt: null,
        emailUndeliverableReason: null,
        scrubbedAt: now,
        credentialEpoch: { increment: 1 },
      },
    });
    await incrementMembershipEpoch(tx as Database, userId);
    return true;
  });
}

/**
 * Every invitation to `email` or accepted by `userId`, answered or not: they name a person who asked to be
 * forgotten, and the next owner of the address must not inherit them.
 */
export async function deleteInvitationsTo(tx: Transaction, input: { email: string; userId: string }): Promise<void> {
  await tx.invitation.deleteMany({ where: { OR: [{ email: input.email }, { acceptedBy: input.userId }] } });
}
