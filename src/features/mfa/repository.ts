// Narrow database operations on TOTP credentials, recovery codes and MFA challenges.
import type { Database } from "../../db/client.ts";

export function findTotpCredential(db: Database, userId: string) {
  return db.totpCredential.findUnique({ where: { userId } });
}

/** Records `step` as used only if it is later than the last one: the replay guard, atomically. */
export async function claimTotpStep(db: Database, userId: string, step: bigint, confirmAt?: Date): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE totp_credentials
    SET last_used_step = ${step}, confirmed_at = COALESCE(confirmed_at, ${confirmAt ?? null}::timestamptz)
    WHERE user_id = ${userId}::uuid AND (last_used_step IS NULL OR last_used_step < ${step})
      AND (confirmed_at IS NOT NULL OR ${confirmAt !== undefined})`;
  return updated === 1;
}

/** Marks one unused recovery code used; false when it does not exist or was used. */
export async function consumeRecoveryCode(db: Database, userId: string, codeHash: string, now: Date): Promise<boolean> {
  const updated = await db.recoveryCode.updateMany({
    where: { userId, codeHash, usedAt: null },
    data: { usedAt: now },
  });
  return updated.count === 1;
}

/** Replaces the user's recovery codes with a new set. */
export async function replaceRecoveryCodes(db: Database, userId: string, codeHashes: string[]): Promise<void> {
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.recoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ userId, codeHash })) }),
  ]);
}

export async function countUnusedRecoveryCodes(db: Database, userId: string): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } });
}
