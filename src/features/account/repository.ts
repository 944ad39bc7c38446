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
): Promise<{ id: string } | null> {
  try {
    return await db.user.create({
      data: {
        email: input.email,
        name: input.name,
        accounts: {
          create: { provider: PASSWORD_PROVIDER, providerAccountId: input.email, passwordHash: input.passwordHash },
        },
      },
      select: { id: true },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return null;
    throw error;
  }
}

export async function replacePasswordHash(db: Database, accountId: string, passwordHash: string): Promise<void> {
  await db.account.update({ where: { id: accountId }, data: { passwordHash } });
}

export async function markUserLocked(db: Database, userId: string, now: Date): Promise<void> {
  await db.user.updateMany({ where: { id: userId, lockedAt: null }, data: { lockedAt: now } });
}
