// Narrow, intent-named database operations on sessions and refresh tokens.
import { v7 as uuidv7 } from "uuid";
import type { Database } from "../../db/client.ts";

export type NewSession = {
  userId: string;
  amr: string[];
  authTime: Date;
  ipHash: string | null;
  userAgent: string | null;
  expiresAt: Date;
  idleExpiresAt: Date;
  refreshTokenHash: string;
};

/** Creates the session and its first refresh token in one statement. */
export function insertSessionWithRefreshToken(db: Database, session: NewSession) {
  const { refreshTokenHash, ...fields } = session;
  return db.session.create({
    data: {
      ...fields,
      lastSeenAt: session.authTime,
      refreshTokens: { create: { tokenHash: refreshTokenHash, expiresAt: session.idleExpiresAt } },
    },
  });
}

export function findRefreshTokenWithSession(db: Database, tokenHash: string) {
  return db.refreshToken.findUnique({ where: { tokenHash }, include: { session: true } });
}

export type RotationOutcome = "rotated" | "overlap" | "reused";

/**
 * Marks the token used, records its successor and moves the session's idle expiry, in one SQL
 * statement (atomic, and one round trip on the refresh hot path). The conditional UPDATE is the
 * single-use guard: of two concurrent refreshes, one claims the token; the other waits for the
 * row lock, finds it used, and learns whether it is a retry within the overlap window.
 */
export async function rotateRefreshToken(
  db: Database,
  rotation: {
    tokenId: string;
    sessionId: string;
    successorHash: string;
    now: Date;
    successorExpiresAt: Date;
    overlapMs: number;
  },
): Promise<RotationOutcome> {
  const { tokenId, sessionId, successorHash, now, successorExpiresAt } = rotation;
  const rotated = await db.$queryRaw<Array<{ id: string }>>`
    WITH claimed AS (
      UPDATE refresh_tokens SET used_at = ${now}
      WHERE id = ${tokenId}::uuid AND used_at IS NULL
      RETURNING id, session_id
    ), successor AS (
      INSERT INTO refresh_tokens (id, session_id, token_hash, parent_id, expires_at, created_at)
      SELECT ${uuidv7()}::uuid, session_id, ${successorHash}, id, ${successorExpiresAt}, ${now} FROM claimed
      RETURNING id
    ), touched AS (
      UPDATE sessions SET last_seen_at = ${now}, idle_expires_at = ${successorExpiresAt}
      WHERE id = ${sessionId}::uuid AND EXISTS (SELECT 1 FROM claimed)
    )
    SELECT id FROM successor`;
  if (rotated.length === 1) return "rotated";
  const [token, successor] = await Promise.all([
    db.refreshToken.findUnique({ where: { id: tokenId } }),
    db.refreshToken.findUnique({ where: { tokenHash: successorHash } }),
  ]);
  const usedAgoMs = token?.usedAt ? now.getTime() - token.usedAt.getTime() : Number.POSITIVE_INFINITY;
  if (successor && successor.usedAt === null && usedAgoMs <= rotation.overlapMs) return "overlap";
  return "reused";
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
