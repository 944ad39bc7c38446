// Narrow database operations on users and their password accounts.
import type { Database } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";

export const PASSWORD_PROVIDER = "password";

export type SignInCandidate = {
  user: { id: string; email: string; status: string; emailVerifiedAt: Date | null; credentialEpoch: number };
  passwordAccount: { id: string; passwordHash: string | null } | null;
  mfa: { totp: boolean; passkeys: number; recoveryCodesLeft: number };
};

/**
 * What a password sign-in needs about the user with this (normalized) email, in one statement: the
 * user, their password hash and their second factors (see mfaStatus).
 */
export async function findSignInCandidate(db: Database, email: string): Promise<SignInCandidate | null> {
  const rows = await db.$queryRaw<
    Array<{
      id: string;
      email: string;
      status: string;
      email_verified_at: Date | null;
      credential_epoch: number;
      account_id: string | null;
      password_hash: string | null;
      totp: boolean;
      passkeys: number;
      recovery_codes_left: number;
    }>
  >`
    SELECT u.id, u.email, u.status::text AS status, u.email_verified_at, u.credential_epoch,
           a.id AS account_id, a.password_hash,
           EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS totp,
           (SELECT count(*)::int FROM passkeys p WHERE p.user_id = u.id) AS passkeys,
           (SELECT count(*)::int FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS recovery_codes_left
    FROM users u
    LEFT JOIN LATERAL (
      SELECT id, password_hash FROM accounts WHERE user_id = u.id AND provider = ${PASSWORD_PROVIDER} LIMIT 1
    ) a ON true
    WHERE u.email = ${email}`;
  const row = rows[0];
  if (!row) return null;
  return {
    user: {
      id: row.id,
      email: row.email,
      status: row.status,
      emailVerifiedAt: row.email_verified_at,
      credentialEpoch: row.credential_epoch,
    },
    passwordAccount: row.account_id ? { id: row.account_id, passwordHash: row.password_hash } : null,
    mfa: { totp: row.totp, passkeys: row.passkeys, recoveryCodesLeft: row.recovery_codes_left },
  };
}

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

/**
 * Creates the user and their password account together; null when the email is taken. An invitation's
 * sign-up passes `emailVerifiedAt` (its token proved the address) and runs inside its transaction.
 */
export async function insertUserWithPassword(
  db: Database | Prisma.TransactionClient,
  input: { email: string; name: string | null; passwordHash: string; emailVerifiedAt?: Date },
): Promise<{ id: string; credentialEpoch: number } | null> {
  try {
    return await db.user.create({
      data: {
        email: input.email,
        name: input.name,
        emailVerifiedAt: input.emailVerifiedAt ?? null,
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
