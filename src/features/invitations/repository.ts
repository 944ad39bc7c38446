// Narrow database operations on invitations: who may invite, insert/replace, list, rotate, revoke,
// consume (one conditional UPDATE) and the membership an accepted invitation grants.
import type { Database } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { OWNER } from "../tenancy/role-catalogue.ts";

/** A client or an interactive transaction: every function here runs in either. */
export type Queryable = Database | Prisma.TransactionClient;

/** A pending invitation: not accepted, declined or revoked (it may have expired). */
const PENDING = "i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL";

export type InvitationRow = {
  id: string;
  tenant_id: string;
  email: string;
  roles: string[];
  expires_at: Date;
  send_count: number;
  last_sent_at: Date;
  invited_by_id: string | null;
};

/**
 * The inviter still has the power the invitation uses: an active user and active member of the tenant
 * who holds OWNER, or a role that may invite (`inviteRoles`, the parameter TENANT_INVITE_ROLES fills)
 * and every invited role. An invitation dies with its inviter's power (removed, demoted, disabled or
 * deleted, or no longer holding a role that may invite), so nobody keeps a way into the tenant that its
 * owners took away.
 */
const inviterStillMayGrant = (inviteRoles: string) => `EXISTS (
  SELECT 1 FROM memberships im JOIN users iu ON iu.id = im.user_id
  WHERE im.tenant_id = i.tenant_id AND im.user_id = i.invited_by_id AND im.status = 'ACTIVE' AND iu.status = 'ACTIVE'
    AND (EXISTS (SELECT 1 FROM membership_roles ir WHERE ir.membership_id = im.id AND ir.role_key = '${OWNER}')
      OR (EXISTS (
          SELECT 1 FROM membership_roles inviting
          WHERE inviting.membership_id = im.id AND inviting.role_key = ANY(${inviteRoles}::text[]))
        AND NOT EXISTS (
          SELECT 1 FROM invitation_roles wanted WHERE wanted.invitation_id = i.id
            AND NOT EXISTS (
              SELECT 1 FROM membership_roles held WHERE held.membership_id = im.id AND held.role_key = wanted.role_key)))))`;

const INVITATION_COLUMNS = `i.id, i.tenant_id, i.email, i.expires_at, i.send_count, i.last_sent_at, i.invited_by_id,
  ARRAY(SELECT r.role_key FROM invitation_roles r WHERE r.invitation_id = i.id ORDER BY r.role_key) AS roles`;

/**
 * Inserts an invitation with its roles, revoking any other pending one for the same tenant and
 * address first (its token dies). The tenant row's lock makes concurrent invitations queue, so at
 * most one stays pending per address.
 */
export async function replaceInvitation(
  db: Database,
  input: {
    tenantId: string;
    email: string;
    roles: string[];
    tokenHash: string;
    invitedById: string;
    expiresAt: Date;
    now: Date;
    /** Whether the inviter may take back an invitation with these roles (one they could not send stays). */
    mayReplace: (roles: string[]) => boolean;
  },
): Promise<{ id: string; replacedIds: string[] } | null> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM tenants WHERE id = ${input.tenantId}::uuid FOR UPDATE`;
    const pending = await tx.$queryRawUnsafe<Array<{ roles: string[] }>>(
      `SELECT ${INVITATION_COLUMNS} FROM invitations i WHERE i.tenant_id = $1::uuid AND i.email = $2 AND ${PENDING}`,
      input.tenantId,
      input.email,
    );
    if (pending.some((row) => !input.mayReplace(row.roles))) return null;
    const replaced = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE invitations i SET revoked_at = ${input.now}
      WHERE i.tenant_id = ${input.tenantId}::uuid AND i.email = ${input.email} AND i.accepted_at IS NULL
        AND i.declined_at IS NULL AND i.revoked_at IS NULL
      RETURNING i.id`;
    const created = await tx.invitation.create({
      data: {
        tenantId: input.tenantId,
        email: input.email,
        tokenHash: input.tokenHash,
        invitedById: input.invitedById,
        expiresAt: input.expiresAt,
        lastSentAt: input.now,
        createdAt: input.now,
        roles: { create: input.roles.map((roleKey) => ({ roleKey })) },
      },
      select: { id: true },
    });
    return { id: created.id, replacedIds: replaced.map((row) => row.id) };
  });
}

/** The tenant's pending invitations (expired ones too, so they can be resent), newest first. */
export function listPendingInvitations(db: Queryable, tenantId: string, limit: number): Promise<InvitationRow[]> {
  return db.$queryRawUnsafe<InvitationRow[]>(
    `SELECT ${INVITATION_COLUMNS} FROM invitations i
     WHERE i.tenant_id = $1::uuid AND ${PENDING} ORDER BY i.created_at DESC LIMIT $2`,
    tenantId,
    limit,
  );
}

/** A pending invitation of the tenant by id. */
export async function findPendingInvitation(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<InvitationRow | null> {
  const rows = await db.$queryRawUnsafe<InvitationRow[]>(
    `SELECT ${INVITATION_COLUMNS} FROM invitations i WHERE i.id = $1::uuid AND i.tenant_id = $2::uuid AND ${PENDING}`,
    id,
    tenantId,
  );
  return rows[0] ?? null;
}

/** Gives a pending invitation a new token and expiry (the old token dies); null when it is no longer pending. */
export async function rotateInvitationToken(
  db: Queryable,
  input: { tenantId: string; id: string; tokenHash: string; expiresAt: Date; now: Date; resentById: string },
): Promise<InvitationRow | null> {
  const rows = await db.$queryRawUnsafe<InvitationRow[]>(
    `UPDATE invitations i SET token_hash = $3, expires_at = $4::timestamptz, send_count = i.send_count + 1,
       last_sent_at = $5::timestamptz, invited_by_id = $6::uuid
     WHERE i.id = $1::uuid AND i.tenant_id = $2::uuid AND ${PENDING}
     RETURNING ${INVITATION_COLUMNS}`,
    input.id,
    input.tenantId,
    input.tokenHash,
    input.expiresAt,
    input.now,
    input.resentById,
  );
  return rows[0] ?? null;
}

/** Revokes a pending invitation; false when there was none. */
export async function markInvitationRevoked(db: Queryable, tenantId: string, id: string, now: Date): Promise<boolean> {
  const count = await db.$executeRawUnsafe(
    `UPDATE invitations i SET revoked_at = $3::timestamptz WHERE i.id = $1::uuid AND i.tenant_id = $2::uuid AND ${PENDING}`,
    id,
    tenantId,
    now,
  );
  return count === 1;
}

export type LiveInvitation = InvitationRow & { tenant_name: string; tenant_slug: string; inviter: string | null };

/** The live invitation a token names (pending, unexpired, its tenant active), read only: GET never consumes. */
export async function findLiveInvitation(
  db: Queryable,
  input: { tokenHash: string; now: Date; inviteRoles: readonly string[] },
): Promise<LiveInvitation | null> {
  const rows = await db.$queryRawUnsafe<LiveInvitation[]>(
    `SELECT ${INVITATION_COLUMNS}, t.name AS tenant_name, t.slug AS tenant_slug,
       (SELECT coalesce(u.name, u.email) FROM users u WHERE u.id = i.invited_by_id AND u.status = 'ACTIVE') AS inviter
     FROM invitations i JOIN tenants t ON t.id = i.tenant_id
     WHERE i.token_hash = $1 AND ${PENDING} AND i.expires_at > $2::timestamptz AND t.status = 'ACTIVE'
       AND ${inviterStillMayGrant("$3")}`,
    input.tokenHash,
    input.now,
    input.inviteRoles,
  );
  return rows[0] ?? null;
}

/**
 * Consumes a live invitation as accepted by `userId`, only while that user's address is the invited
 * one and verified: one conditional UPDATE, so of racing accepts exactly one wins.
 */
export async function consumeAcceptedInvitation(
  db: Queryable,
  input: { tokenHash: string; userId: string; now: Date; inviteRoles: readonly string[] },
): Promise<InvitationRow | null> {
  const rows = await db.$queryRawUnsafe<InvitationRow[]>(
    `UPDATE invitations i SET accepted_at = $3::timestamptz, accepted_by = $2::uuid
     FROM users u, tenants t
     WHERE i.token_hash = $1 AND ${PENDING} AND i.expires_at > $3::timestamptz
       AND t.id = i.tenant_id AND t.status = 'ACTIVE'
       AND u.id = $2::uuid AND u.email = i.email AND u.email_verified_at IS NOT NULL AND u.status = 'ACTIVE'
       AND ${inviterStillMayGrant("$4")}
     RETURNING ${INVITATION_COLUMNS}`,
    input.tokenHash,
    input.userId,
    input.now,
    input.inviteRoles,
  );
  return rows[0] ?? null;
}

/** Consumes a live invitation as declined. */
export async function consumeDeclinedInvitation(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<InvitationRow | null> {
  const rows = await db.$queryRawUnsafe<InvitationRow[]>(
    `UPDATE invitations i SET declined_at = $2::timestamptz
     WHERE i.token_hash = $1 AND ${PENDING} AND i.expires_at > $2::timestamptz
     RETURNING ${INVITATION_COLUMNS}`,
    tokenHash,
    now,
  );
  return rows[0] ?? null;
}

/**
 * The membership (created when missing, its status left as it is) with `roles` added; roles it
 * already has stay, so accepting twice changes nothing. `created` says whether the user was new to
 * the tenant (for the audit row only).
 */
export async function addMembershipWithRoles(
  db: Queryable,
  input: { tenantId: string; userId: string; roles: string[] },
): Promise<{ membershipId: string; created: boolean }> {
  const where = { tenantId_userId: { tenantId: input.tenantId, userId: input.userId } };
  const existing = await db.membership.findUnique({ where, select: { id: true } });
  const membership = await db.membership.upsert({
    where,
    create: { tenantId: input.tenantId, userId: input.userId },
    update: {},
    select: { id: true },
  });
  await db.membershipRole.createMany({
    data: input.roles.map((roleKey) => ({ membershipId: membership.id, roleKey })),
    skipDuplicates: true,
  });
  return { membershipId: membership.id, created: existing === null };
}
