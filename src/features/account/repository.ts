// Narrow database operations on users and their password accounts.
import type { Database } from "../../db/client.ts";

export const PASSWORD_PROVIDER = "password";

/** The user with this (normalized) email and their password hash, if they have one. */
export async function findUserWithPassword(db: Database, email: string) {
  const user = await db.user.findUnique({
    where: { email },
    include: { accounts: { where: { provider: PASSWORD_PROVIDER }, take: 1 } },
  });
  if (!user) return null;
  return { user, passwordAccount: user.accounts[0] ?? null };
}

export async function findPasswordAccountOfUser(db: Database, userId: string) {
  return db.account.findFirst({ where: { userId, provider: PASSWORD_PROVIDER } });
}

/** Creates the user and their password account together; null when the email is taken. */
export async function insertUserWithPassword(
  db: Database,
  input: { email: string; name: string | null; passwordHash: string },
): Promise<{ id: string; credentialEpoch: number } | null> {
  try {
    return await db.user.create({
      data: {
        email: input.email,
        name: input.name,
        accounts: {
          create: { provider: PASSWORD_PROVIDER, providerAccountId: input.email, passwordHash: input.passwordHash },
        },
      },
      select: { id: true, credentialEpoch: true },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return null;
    throw error;
  }
}

/**
 * Replaces the hash only if it is still the one the caller verified, so a stale rehash can never
 * undo a password change that happened in between. Returns whether it replaced it.
 */
export async function replacePasswordHash(
  db: Database,
  accountId: string,
  expectedHash: string,
  passwordHash: string,
): Promise<boolean> {
  const result = await db.account.updateMany({
    where: { id: accountId, passwordHash: expectedHash },
    data: { passwordHash },
  });
  return result.count === 1;
}

/**
 * A password change: the new hash (only if the verified one is still current), a new credential epoch,
 * and the changing session carried over to it, in one transaction. Every other session of the user,
 * including one a sign-in with the old password inserts at this very moment, is refused from then on.
 * When the hash was no longer the verified one (a racing change won), nothing at all is written: no
 * epoch, no carried-over session (issue 10 review, R8b). Returns whether the change took effect.
 */
export async function changePasswordHash(
  db: Database,
  change: { userId: string; accountId: string; expectedHash: string; passwordHash: string; keepSessionId: string },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const updated = await tx.account.updateMany({
      where: { id: change.accountId, passwordHash: change.expectedHash },
      data: { passwordHash: change.passwordHash },
    });
    if (updated.count !== 1) return false;
    await tx.user.update({ where: { id: change.userId }, data: { credentialEpoch: { increment: 1 } } });
    await tx.$executeRaw`
      UPDATE sessions SET credential_epoch = users.credential_epoch FROM users
      WHERE sessions.id = ${change.keepSessionId}::uuid AND users.id = sessions.user_id AND sessions.revoked_at IS NULL`;
    return true;
  });
}

export async function markUserLocked(db: Database, userId: string, now: Date): Promise<void> {
  await db.user.updateMany({ where: { id: userId, lockedAt: null }, data: { lockedAt: now } });
}
