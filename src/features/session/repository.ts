// Narrow, intent-named database operations on sessions and refresh tokens.
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
 * Marks the token used and records its successor, atomically. When the token was already used,
 * it reports "overlap" if this is a retry of its direct successor's creation within the window
 * (the successor exists and is unused), otherwise "reused".
 */
export function rotateRefreshToken(
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
  return db.$transaction(async (tx) => {
    // The conditional update is the single-use guard: of two concurrent refreshes, one wins.
    const claimed = await tx.refreshToken.updateMany({
      where: { id: rotation.tokenId, usedAt: null },
      data: { usedAt: rotation.now },
    });
    if (claimed.count === 1) {
      await tx.refreshToken.create({
        data: {
          sessionId: rotation.sessionId,
          tokenHash: rotation.successorHash,
          parentId: rotation.tokenId,
          expiresAt: rotation.successorExpiresAt,
        },
      });
      await tx.session.update({
        where: { id: rotation.sessionId },
        data: { lastSeenAt: rotation.now, idleExpiresAt: rotation.successorExpiresAt },
      });
      return "rotated";
    }
    const [token, successor] = await Promise.all([
      tx.refreshToken.findUnique({ where: { id: rotation.tokenId } }),
      tx.refreshToken.findUnique({ where: { tokenHash: rotation.successorHash } }),
    ]);
    const usedAgoMs = token?.usedAt ? rotation.now.getTime() - token.usedAt.getTime() : Number.POSITIVE_INFINITY;
    if (successor && successor.usedAt === null && usedAgoMs <= rotation.overlapMs) return "overlap";
    return "reused";
  });
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
