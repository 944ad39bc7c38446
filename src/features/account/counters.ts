// Attempt counters (per account or user, per client, per pair of both, per signup source) in Postgres, changed only by atomic upserts.
// An attempt is counted *before* the password is checked, in the same statement that refuses it when
// the key is blocked, so a burst of parallel requests cannot slip past the limit.
import { encodeHexLowerCase } from "@oslojs/encoding";
import { hmacSha256 } from "../../crypto/bytes.ts";
import type { ServerKeys } from "../../crypto/server-keys.ts";
import type { Database } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";

/** Longest delay between attempts once throttling starts. */
const MAX_DELAY_SECONDS = 15 * 60;
/** Past 2^20 s the cap applies anyway; bounding the exponent keeps power() from overflowing. */
const MAX_DELAY_EXPONENT = 20;
/** Client and signup counters forget after an hour without an attempt. */
const CLIENT_WINDOW_SECONDS = 3600;
/** Signups allowed per client per hour before delays start. */
const SIGNUPS_PER_CLIENT = 10;

export type CounterKeys = { account: string; client: string };

export type ThrottleSettings = { loginFreeFailures: number; clientFreeFailures: number; lockoutFailures: number };

/**
 * The account counter is keyed by an HMAC of the normalized email, not the user id, so unknown and
 * known addresses are throttled identically. The client key is the limit network's hash (IPv6 by
 * /64, see ClientInfo); requests without a client IP share one bucket.
 */
export async function counterKeysFor(keys: ServerKeys, email: string, limitHash: string | null): Promise<CounterKeys> {
  const account = `account:${encodeHexLowerCase(await hmacSha256(keys.counterKey, email))}`;
  return { account, client: clientKeyFor(limitHash) };
}

/** The client's counter key: its limit network's hash (see ClientInfo). */
export const clientKeyFor = (limitHash: string | null) => `client:${limitHash ?? "unknown"}`;

export type CounterRule = {
  freeAttempts: number;
  /** 0: the count never lapses (it is cleared on success). */
  windowSeconds: number;
  /**
   * Where the window is measured from: the last attempt (the count lapses only after a quiet
   * window, for failures) or the first one (a fixed window, for request rates). @default "last_attempt"
   */
  windowFrom?: "last_attempt" | "first_attempt";
  lockAt?: number;
};

export type Reservation =
  | { kind: "open"; failures: number }
  | { kind: "locked" }
  | { kind: "throttled"; retryAfterSeconds: number };

/**
 * Counts one attempt against `key` unless it is blocked or locked, atomically; the row lock makes
 * concurrent attempts queue. The next delay, 2^(attempts - free) s up to 15 min, is set in the same
 * statement. Returns the refusal, or the count including this attempt.
 */
export async function reserve(db: Database, key: string, rule: CounterRule, now: Date): Promise<Reservation> {
  const windowAnchor =
    rule.windowFrom === "first_attempt"
      ? Prisma.sql`auth_counters.window_started_at`
      : Prisma.sql`auth_counters.updated_at`;
  const windowExpired = Prisma.sql`(${rule.windowSeconds}::int > 0 AND ${windowAnchor} < ${now}::timestamptz - make_interval(secs => ${rule.windowSeconds}::int))`;
  const next = Prisma.sql`(CASE WHEN ${windowExpired} THEN 1 ELSE auth_counters.failures + 1 END)`;
  const lockAt = rule.lockAt ?? 2_147_483_647;
  const rows = await db.$queryRaw<Array<{ failures: number }>>`
    INSERT INTO auth_counters (key, failures, window_started_at, blocked_until, updated_at)
    VALUES (${key}, 1, ${now}, NULL, ${now})
    ON CONFLICT (key) DO UPDATE SET
      failures = ${next},
      window_started_at = CASE WHEN ${windowExpired} THEN ${now} ELSE auth_counters.window_started_at END,
      blocked_until = CASE WHEN ${next} > ${rule.freeAttempts}::int
        THEN ${now}::timestamptz + make_interval(secs => LEAST(power(2, LEAST(${next} - ${rule.freeAttempts}::int, ${MAX_DELAY_EXPONENT}::int)), ${MAX_DELAY_SECONDS}::int))
        ELSE NULL END,
      updated_at = ${now}
    WHERE (auth_counters.blocked_until IS NULL OR auth_counters.blocked_until <= ${now} OR ${windowExpired})
      AND (auth_counters.failures < ${lockAt}::int OR ${windowExpired})
    RETURNING failures`;
  const counted = rows[0];
  if (counted) return { kind: "open", failures: counted.failures };
  const row = await db.authCounter.findUnique({ where: { key } });
  if (row && row.failures >= lockAt) return { kind: "locked" };
  const waitMs = (row?.blockedUntil?.getTime() ?? now.getTime()) - now.getTime();
  return { kind: "throttled", retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/**
 * The three counters a guess at a secret is counted on (issue 10, M6): the client (any account), the
 * pair (this scope from this client: the growing delays) and the scope alone (every client: only the
 * hard lock). Keying the delays on the pair means nobody can keep the owner's right password waiting.
 */
export type GuessKeys = { client: string; pair: string; scope: string };

export const guessKeysFor = (scope: string, client: string): GuessKeys => ({
  client,
  pair: `${scope}|${client}`,
  scope,
});

/** Password guesses at an account. */
export const passwordGuessKeys = (keys: CounterKeys): GuessKeys => guessKeysFor(keys.account, keys.client);

/**
 * Counts one guess against the client, the pair and the scope, in that order (a refused guess is not
 * counted further on, so a throttled client cannot push an account towards its lock). A locked scope
 * is answered first, without counting anything. The guess stays counted as a failure unless
 * `recordGuessSuccess` or `takeBackGuess` takes it back.
 */
export async function reserveGuess(
  db: Database,
  keys: GuessKeys,
  settings: ThrottleSettings,
  now: Date,
): Promise<Reservation> {
  const lockAt = settings.lockoutFailures;
  if (await isLocked(db, keys.scope, lockAt)) return { kind: "locked" };
  const client = await reserve(
    db,
    keys.client,
    { freeAttempts: settings.clientFreeFailures, windowSeconds: CLIENT_WINDOW_SECONDS },
    now,
  );
  if (client.kind !== "open") return client;
  const pair = await reserve(db, keys.pair, { freeAttempts: settings.loginFreeFailures, windowSeconds: 0 }, now);
  if (pair.kind !== "open") return pair;
  // No delay on the scope itself: it only counts consecutive failures from every client up to the lock.
  return reserve(db, keys.scope, { freeAttempts: lockAt, windowSeconds: 0, lockAt }, now);
}

/** Counts a sign-in attempt with a password (see reserveGuess). */
export function reserveLoginAttempt(
  db: Database,
  keys: CounterKeys,
  settings: ThrottleSettings,
  now: Date,
): Promise<Reservation> {
  return reserveGuess(db, passwordGuessKeys(keys), settings, now);
}

/**
 * A right guess ends the scope's run of failures and this client's, and takes this attempt back from
 * the client (whose earlier failures stay: one valid account must not reset a client's throttle).
 */
export async function recordGuessSuccess(db: Database, keys: GuessKeys): Promise<void> {
  await clearGuessCounters(db, keys);
  await takeBackAttempt(db, keys.client);
}

/** A right password that ends a sign-in (see recordGuessSuccess). */
export function recordLoginSuccess(db: Database, keys: CounterKeys): Promise<void> {
  return recordGuessSuccess(db, passwordGuessKeys(keys));
}

/**
 * A right guess that is only part of a sign-in (a password before the second factor) takes back this
 * attempt and nothing else: partial success resets nothing (issue 10, H1).
 */
export async function takeBackGuess(db: Database, keys: GuessKeys): Promise<void> {
  for (const key of [keys.client, keys.pair, keys.scope]) await takeBackAttempt(db, key);
}

/** Forgets the scope's failures and this client's pair (the whole sign-in succeeded). */
export async function clearGuessCounters(db: Database, keys: GuessKeys): Promise<void> {
  await db.authCounter.deleteMany({ where: { key: { in: [keys.scope, keys.pair] } } });
}

/** Whether the scope's count has reached the lock. */
export async function isLocked(db: Database, key: string, lockAt: number): Promise<boolean> {
  const row = await db.authCounter.findUnique({ where: { key }, select: { failures: true } });
  return row !== null && row.failures >= lockAt;
}

/** Sets the scope's count to the lock, so it answers "locked" until a reset clears it. */
export async function lockScope(db: Database, key: string, lockAt: number, now: Date): Promise<void> {
  await db.$executeRaw`
    INSERT INTO auth_counters (key, failures, window_started_at, blocked_until, updated_at)
    VALUES (${key}, ${lockAt}, ${now}, NULL, ${now})
    ON CONFLICT (key) DO UPDATE SET failures = GREATEST(auth_counters.failures, ${lockAt}::int), updated_at = ${now}`;
}

async function takeBackAttempt(db: Database, key: string): Promise<void> {
  await db.$executeRaw`UPDATE auth_counters SET failures = GREATEST(failures - 1, 0) WHERE key = ${key}`;
}

/** Counts a signup from this client; many per hour are slowed down like failed sign-ins. */
export function reserveSignup(db: Database, limitHash: string | null, now: Date): Promise<Reservation> {
  return reserve(
    db,
    `signup:${limitHash ?? "unknown"}`,
    { freeAttempts: SIGNUPS_PER_CLIENT, windowSeconds: CLIENT_WINDOW_SECONDS },
    now,
  );
}

/** Forgets a counter (after the attempt it guarded succeeded). */
export async function clearCounter(db: Database, key: string): Promise<void> {
  await db.authCounter.deleteMany({ where: { key } });
}
