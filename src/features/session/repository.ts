// Narrow, intent-named database operations on sessions and refresh tokens.
import { v7 as uuidv7 } from "uuid";
import type { Database } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import {
  type AuthorizationRow,
  authorizationColumns,
  type TokenAuthorization,
  tokenAuthorizationOf,
} from "../tenancy/authorization.ts";

export type NewSession = {
  userId: string;
  amr: string[];
  authTime: Date;
  ipHash: string | null;
  userAgent: string | null;
  expiresAt: Date;
  idleExpiresAt: Date;
  refreshTokenHash: string;
  /** The user's credential epoch as read with the credential just checked. */
  credentialEpoch: number;
  /** REQUIRE_MFA_ROLES: holders without a second factor get a session that can only enroll one. */
  requireMfaRoles: readonly string[];
};

/** `newDevice`: the user had sessions before, none from this user agent (read before this one). */
export type InsertedSession = {
  id: string;
  userId: string;
  amr: string[];
  authTime: Date;
  newDevice: boolean;
  authorization: TokenAuthorization;
};

/**
 * Creates the session and its first refresh token in one statement, only while the user is active
 * and their credential epoch is still the one read with the credential (issue 10, M5, L2). The user
 * row is share-locked, so a password change or disable running at the same moment either waits for
 * this insert (and then revokes the session it lists) or is seen by it (and no session is created).
 * Whether the device is new, and the token's authorization, are read in the same statement. The
 * active tenant starts as the one the user's latest session had (while still a member), else the
 * user's oldest active membership. Null when refused.
 */
export async function insertSessionWithRefreshToken(
  db: Database,
  session: NewSession,
): Promise<InsertedSession | null> {
  const sessionId = uuidv7();
  const rows = await db.$queryRaw<
    Array<{ id: string; user_id: string; amr: string[]; auth_time: Date; new_device: boolean } & AuthorizationRow>
  >`
    WITH owner AS (
      SELECT id, credential_epoch FROM users
      WHERE id = ${session.userId}::uuid AND status = 'ACTIVE' AND credential_epoch = ${session.credentialEpoch}::int
      FOR SHARE
    ), default_tenant AS (
      SELECT m.tenant_id FROM memberships m JOIN tenants t ON t.id = m.tenant_id AND t.status = 'ACTIVE'
      WHERE m.user_id = ${session.userId}::uuid AND m.status = 'ACTIVE'
      ORDER BY (SELECT max(s.created_at) FROM sessions s
                WHERE s.user_id = m.user_id AND s.active_tenant_id = m.tenant_id) DESC NULLS LAST, m.created_at
      LIMIT 1
    ), created AS (
      INSERT INTO sessions (id, user_id, last_seen_at, expires_at, idle_expires_at, ip_hash, user_agent, amr,
                            auth_time, credential_epoch, active_tenant_id)
      SELECT ${sessionId}::uuid, owner.id, ${session.authTime}, ${session.expiresAt}, ${session.idleExpiresAt},
             ${session.ipHash}, ${session.userAgent}, ${session.amr}::text[], ${session.authTime}, owner.credential_epoch,
             (SELECT tenant_id FROM default_tenant)
      FROM owner
      RETURNING id, user_id, amr, auth_time, active_tenant_id
    ), token AS (
      INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at)
      SELECT ${uuidv7()}::uuid, created.id, ${session.refreshTokenHash}, ${session.idleExpiresAt} FROM created
    ), earlier AS (
      SELECT count(*) AS sessions,
             count(*) FILTER (WHERE user_agent IS NOT DISTINCT FROM ${session.userAgent}::text) AS from_this_agent
      FROM sessions WHERE user_id = ${session.userId}::uuid
    )
    SELECT id, user_id, amr, auth_time, (earlier.sessions > 0 AND earlier.from_this_agent = 0) AS new_device,
           ${authorizationColumns(Prisma.raw("created.user_id"), Prisma.raw("created.active_tenant_id"), session.requireMfaRoles)}
    FROM created, earlier`;
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    userId: row.user_id,
    amr: row.amr ?? [],
    authTime: row.auth_time,
    newDevice: row.new_device,
    authorization: tokenAuthorizationOf(row, row.amr ?? []),
  };
}

export function findRefreshTokenWithSession(db: Database, tokenHash: string) {
  return db.refreshToken.findUnique({ where: { tokenHash }, include: { session: { include: { user: true } } } });
}

export type ClaimedRotation = {
  sessionId: string;
  userId: string;
  amr: string[];
  authTime: Date;
  email: string;
  emailVerified: boolean;
  successorExpiresAt: Date;
  authorization: TokenAuthorization;
};

/**
 * The refresh hot path in one SQL statement (atomic, one round trip): claims the token if it is
 * unused, its session is live and its user active with an unchanged credential epoch, records the successor, moves the session's idle expiry and writes
 * the audit row. The conditional UPDATE is the single-use guard: of two concurrent refreshes, one
 * claims the token; the other waits for the row lock, then finds it used and gets null.
 */
export async function claimAndRotateRefreshToken(
  db: Database,
  rotation: {
    tokenHash: string;
    successorHash: string;
    now: Date;
    idleSeconds: number;
    client: { ipHash: string | null; userAgent: string | null };
    requireMfaRoles: readonly string[];
  },
): Promise<ClaimedRotation | null> {
  const { tokenHash, successorHash, now, idleSeconds, client } = rotation;
  const idleEnd = Prisma.sql`LEAST(${now}::timestamptz + make_interval(secs => ${idleSeconds}::int), claimed.expires_at)`;
  const rows = await db.$queryRaw<
    Array<
      {
        session_id: string;
        user_id: string;
        amr: string[];
        auth_time: Date;
        email: string;
        email_verified_at: Date | null;
        successor_expires_at: Date;
      } & AuthorizationRow
    >
  >`
    WITH claimed AS (
      UPDATE refresh_tokens rt SET used_at = ${now}
      FROM sessions s, users u
      WHERE rt.token_hash = ${tokenHash} AND rt.used_at IS NULL AND rt.expires_at > ${now}
        AND s.id = rt.session_id AND s.revoked_at IS NULL AND s.expires_at > ${now} AND s.idle_expires_at > ${now}
        -- A disabled user, or a session from before a credential change, is not extended (issue 10, M5, L2).
        AND u.id = s.user_id AND u.status = 'ACTIVE' AND u.credential_epoch = s.credential_epoch
      RETURNING rt.id, rt.session_id, s.user_id, s.amr, s.auth_time, s.expires_at, s.active_tenant_id, u.email,
                u.email_verified_at
    ), successor AS (
      INSERT INTO refresh_tokens (id, session_id, token_hash, parent_id, expires_at, created_at)
      SELECT ${uuidv7()}::uuid, claimed.session_id, ${successorHash}, claimed.id, ${idleEnd}, ${now} FROM claimed
      RETURNING expires_at
    ), touched AS (
      UPDATE sessions SET last_seen_at = ${now}, idle_expires_at = ${idleEnd}
      FROM claimed WHERE sessions.id = claimed.session_id
    ), audited AS (
      INSERT INTO audit_events (id, user_id, action, success, ip_hash, user_agent, metadata, created_at)
      SELECT ${uuidv7()}::uuid, claimed.user_id, 'session.refreshed', true, ${client.ipHash}, ${client.userAgent},
             jsonb_build_object('sessionId', claimed.session_id, 'overlap', false), ${now}
      FROM claimed
    )
    SELECT claimed.session_id, claimed.user_id, claimed.amr, claimed.auth_time, claimed.email,
           claimed.email_verified_at, successor.expires_at AS successor_expires_at,
           ${authorizationColumns(Prisma.raw("claimed.user_id"), Prisma.raw("claimed.active_tenant_id"), rotation.requireMfaRoles)}
    FROM claimed, successor`;
  const row = rows[0];
  if (!row) return null;
  return {
    sessionId: row.session_id,
    userId: row.user_id,
    amr: row.amr ?? [],
    authTime: row.auth_time,
    email: row.email,
    emailVerified: row.email_verified_at !== null,
    successorExpiresAt: row.successor_expires_at,
    authorization: tokenAuthorizationOf(row, row.amr ?? []),
  };
}

/** Whether a used token is being retried within the overlap window: its successor exists and is unused. */
export async function isRetryWithinOverlap(
  db: Database,
  token: { usedAt: Date | null; successorHash: string; now: Date; overlapMs: number },
): Promise<{ successorExpiresAt: Date } | null> {
  if (!token.usedAt || token.now.getTime() - token.usedAt.getTime() > token.overlapMs) return null;
  const successor = await db.refreshToken.findUnique({ where: { tokenHash: token.successorHash } });
  return successor && successor.usedAt === null ? { successorExpiresAt: successor.expiresAt } : null;
}

/** Revokes the given sessions of `userId` that are still active; returns the ids it revoked. */
export async function revokeUserSessions(
  db: Database,
  userId: string,
  filter: { only?: string[]; except?: string },
  revocation: { now: Date; reason: string },
): Promise<string[]> {
  const where = {
    userId,
    revokedAt: null,
    ...(filter.only ? { id: { in: filter.only } } : {}),
    ...(filter.except ? { NOT: { id: filter.except } } : {}),
  };
  const sessions = await db.session.findMany({ where, select: { id: true } });
  if (sessions.length === 0) return [];
  const ids = sessions.map((session) => session.id);
  await db.session.updateMany({
    where: { id: { in: ids }, revokedAt: null },
    data: { revokedAt: revocation.now, revokeReason: revocation.reason },
  });
  return ids;
}

export function listActiveSessions(db: Database, userId: string, now: Date) {
  return db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now }, idleExpiresAt: { gt: now } },
    orderBy: { lastSeenAt: "desc" },
  });
}
