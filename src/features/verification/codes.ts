// One-time codes and link tokens: CSPRNG, stored only as HMAC-SHA-256, single use, expiring, a bounded
// number of wrong tries per code. A new code invalidates the previous one of the same purpose.
import { constantTimeEqual, generateRandomToken } from "../../crypto/bytes.ts";
import { hashCodeForStorage, type ServerKeys } from "../../crypto/server-keys.ts";
import type { Database } from "../../db/client.ts";
import { type CodePurpose, Prisma } from "../../db/generated/client.ts";

/** Wrong codes allowed against one code before it dies. */
export const MAX_CODE_ATTEMPTS = 5;

const hmacHex = (keys: ServerKeys, purpose: CodePurpose, value: string) => hashCodeForStorage(keys, purpose, value);

/** A uniformly random 6-digit code (rejection sampling, so no digit is more likely). */
export function generateSixDigitCode(): string {
  const limit = 4_294_000_000; // the largest multiple of 10^6 below 2^32
  for (;;) {
    const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
    if (value < limit) return String(value % 1_000_000).padStart(6, "0");
  }
}

export type IssuedCode = { id: string; code: string | null; token: string };

/** Creates a code (and link token) for `purpose`, invalidating the user's earlier ones. */
export async function issueCode(
  db: Database,
  keys: ServerKeys,
  input: { userId: string; purpose: CodePurpose; target: string; withCode: boolean; ttlSeconds: number; now: Date },
): Promise<IssuedCode> {
  const code = input.withCode ? generateSixDigitCode() : null;
  const token = generateRandomToken();
  const [codeHash, tokenHash] = await Promise.all([
    code ? hmacHex(keys, input.purpose, code) : null,
    hmacHex(keys, input.purpose, token),
  ]);
  const [, row] = await db.$transaction([
    db.verificationCode.updateMany({
      where: { userId: input.userId, purpose: input.purpose, consumedAt: null },
      data: { consumedAt: input.now },
    }),
    db.verificationCode.create({
      data: {
        userId: input.userId,
        purpose: input.purpose,
        target: input.target,
        codeHash,
        tokenHash,
        expiresAt: new Date(input.now.getTime() + input.ttlSeconds * 1000),
      },
    }),
  ]);
  return { id: row.id, code, token };
}

/** Kills a code whose message could not be delivered, so nothing is left half-done. */
export async function revokeCode(db: Database, id: string, now: Date): Promise<void> {
  await db.verificationCode.updateMany({ where: { id, consumedAt: null }, data: { consumedAt: now } });
}

/** Consumes a link token atomically (one conditional UPDATE); null when invalid, used or expired. */
export async function consumeToken(
  db: Database,
  keys: ServerKeys,
  input: { purpose: CodePurpose; token: string; now: Date },
): Promise<{ userId: string; target: string } | null> {
  const tokenHash = await hmacHex(keys, input.purpose, input.token);
  const rows = await db.$queryRaw<Array<{ user_id: string; target: string }>>`
    UPDATE verification_codes SET consumed_at = ${input.now}
    WHERE token_hash = ${tokenHash} AND purpose = ${input.purpose}::code_purpose
      AND consumed_at IS NULL AND expires_at > ${input.now} AND attempts < ${MAX_CODE_ATTEMPTS}
    RETURNING user_id, target`;
  const row = rows[0];
  return row ? { userId: row.user_id, target: row.target } : null;
}

/** Whether a link token is currently valid, without consuming it (to check a form before using it). */
export async function peekToken(
  db: Database,
  keys: ServerKeys,
  input: { purpose: CodePurpose; token: string; now: Date },
): Promise<{ userId: string; target: string } | null> {
  const row = await db.verificationCode.findUnique({
    where: { tokenHash: await hmacHex(keys, input.purpose, input.token) },
  });
  if (
    !row ||
    row.purpose !== input.purpose ||
    row.consumedAt ||
    row.expiresAt <= input.now ||
    row.attempts >= MAX_CODE_ATTEMPTS
  )
    return null;
  return { userId: row.userId, target: row.target };
}

/**
 * Checks a code against the user's latest live code of `purpose`, in one transaction with the row
 * locked: a match consumes it, a miss counts an attempt (the code dies at MAX_CODE_ATTEMPTS).
 */
export async function consumeCode(
  db: Database,
  keys: ServerKeys,
  input: { userId: string; purpose: CodePurpose; code: string; now: Date },
): Promise<{ target: string } | null> {
  const presented = new TextEncoder().encode(await hmacHex(keys, input.purpose, input.code));
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ id: string; code_hash: string | null; target: string }>>`
      SELECT id, code_hash, target FROM verification_codes
      WHERE user_id = ${input.userId}::uuid AND purpose = ${input.purpose}::code_purpose
        AND consumed_at IS NULL AND expires_at > ${input.now} AND attempts < ${MAX_CODE_ATTEMPTS}
      ORDER BY created_at DESC LIMIT 1 FOR UPDATE`;
    if (!row?.code_hash) return null;
    if (constantTimeEqual(new TextEncoder().encode(row.code_hash), presented)) {
      await tx.verificationCode.update({ where: { id: row.id }, data: { consumedAt: input.now } });
      return { target: row.target };
    }
    await tx.verificationCode.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
    return null;
  });
}

/** Whose codes: the signed-in user's, or those of the user an address names (maybe nobody). */
export type CodeOwner = { userId: string } | { email: string };

const ownerIdOf = (owner: CodeOwner) =>
  "userId" in owner
    ? Prisma.sql`${owner.userId}::uuid`
    : Prisma.sql`(SELECT id FROM users WHERE email = ${owner.email})`;

/**
 * Checks a code against the owner's latest live code of `purpose` in one statement that also resolves
 * the address: a match consumes it, a miss counts an attempt (the code dies at MAX_CODE_ATTEMPTS).
 * An unknown address runs the very same statement (it finds no row), so a known and an unknown
 * address do the same database work (review of issue 10, D1). The stored value is an HMAC under a
 * server key, so comparing it in SQL (as consumeToken does) tells a guesser nothing about the code.
 */
export async function checkCode(
  db: Database,
  keys: ServerKeys,
  input: { owner: CodeOwner; purpose: CodePurpose; code: string; now: Date },
): Promise<{ kind: "match"; userId: string; target: string } | { kind: "miss"; userId: string | null }> {
  const presented = await hmacHex(keys, input.purpose, input.code);
  const rows = await db.$queryRaw<Array<{ user_id: string; target: string; matched: boolean }>>`
    WITH live AS (
      SELECT id FROM verification_codes
      WHERE user_id = ${ownerIdOf(input.owner)} AND purpose = ${input.purpose}::code_purpose
        AND code_hash IS NOT NULL AND consumed_at IS NULL AND expires_at > ${input.now}
        AND attempts < ${MAX_CODE_ATTEMPTS}
      ORDER BY created_at DESC LIMIT 1 FOR UPDATE)
    UPDATE verification_codes v SET
      consumed_at = CASE WHEN v.code_hash = ${presented} THEN ${input.now}::timestamptz ELSE NULL END,
      attempts = v.attempts + CASE WHEN v.code_hash = ${presented} THEN 0 ELSE 1 END
    FROM live WHERE v.id = live.id
    RETURNING v.user_id, v.target, v.consumed_at IS NOT NULL AS matched`;
  const row = rows[0];
  if (row?.matched) return { kind: "match", userId: row.user_id, target: row.target };
  return { kind: "miss", userId: row?.user_id ?? null };
}

/** Kills every open code of `purpose` of the owner (one statement, the same for an unknown address). */
export async function revokeOpenCodes(
  db: Database,
  input: { owner: CodeOwner; purpose: CodePurpose; now: Date },
): Promise<void> {
  await db.$executeRaw`
    UPDATE verification_codes SET consumed_at = ${input.now}
    WHERE user_id = ${ownerIdOf(input.owner)} AND purpose = ${input.purpose}::code_purpose AND consumed_at IS NULL`;
}

/**
 * Counts one attempt on a live token before what it guards is checked (a second factor at a reset),
 * atomically, so a burst on one link cannot exceed MAX_CODE_ATTEMPTS: the token dies there. False
 * when the token is no longer live. A right answer takes the attempt back (takeBackTokenAttempt).
 */
export async function reserveTokenAttempt(
  db: Database,
  keys: ServerKeys,
  input: { purpose: CodePurpose; token: string; now: Date },
): Promise<boolean> {
  const tokenHash = await hmacHex(keys, input.purpose, input.token);
  const counted = await db.$executeRaw`
    UPDATE verification_codes SET attempts = attempts + 1
    WHERE token_hash = ${tokenHash} AND purpose = ${input.purpose}::code_purpose
      AND consumed_at IS NULL AND expires_at > ${input.now} AND attempts < ${MAX_CODE_ATTEMPTS}`;
  return counted === 1;
}

/** Takes back an attempt reserveTokenAttempt counted (the guarded check succeeded). */
export async function takeBackTokenAttempt(
  db: Database,
  keys: ServerKeys,
  input: { purpose: CodePurpose; token: string },
): Promise<void> {
  const tokenHash = await hmacHex(keys, input.purpose, input.token);
  await db.$executeRaw`
    UPDATE verification_codes SET attempts = GREATEST(attempts - 1, 0) WHERE token_hash = ${tokenHash}`;
}
