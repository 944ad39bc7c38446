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
/** A rule without `lockAt` never locks. */
const NO_LOCK = 2_147_483_647;
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

type ChainStep = { key: string; rule: CounterRule };

/** `INSERT … ON CONFLICT` counting one attempt on `step.key` for each row `source` yields. */
function countStep(step: ChainStep, source: Prisma.Sql, now: Date): Prisma.Sql {
  const { key, rule } = step;
  const windowAnchor =
    rule.windowFrom === "first_attempt"
      ? Prisma.sql`auth_counters.window_started_at`
      : Prisma.sql`auth_counters.updated_at`;
  const windowExpired = Prisma.sql`(${rule.windowSeconds}::int > 0 AND ${windowAnchor} < ${now}::timestamptz - make_interval(secs => ${rule.windowSeconds}::int))`;
  const next = Prisma.sql`(CASE WHEN ${windowExpired} THEN 1 ELSE auth_counters.failures + 1 END)`;
  const lockAt = rule.lockAt ?? NO_LOCK;
  return Prisma.sql`
    INSERT INTO auth_counters (key, failures, window_started_at, blocked_until, updated_at)
    SELECT ${key}, 1, ${now}::timestamptz, NULL::timestamptz, ${now}::timestamptz FROM ${source}
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
}

type ChainRow = { locked: boolean } & Record<`counted_${number}`, number | null>;

/**
 * Counts one attempt on each step's key in order, atomically and in ONE statement (one round trip):
 * nothing when any of `locks` has reached its lock, and a step refused (blocked or locked) counts no
 * later step. Each step's row lock makes concurrent attempts queue. The next delay, 2^(attempts -
 * free) s up to 15 min, is set in the same statement. Returns the first refusal, or the last step's
 * count including this attempt.
 */
export async function reserveChain(
  db: Database,
  locks: Array<{ key: string; lockAt: number }>,
  steps: ChainStep[],
  now: Date,
): Promise<Reservation> {
  const reached = locks.map((lock) => Prisma.sql`(key = ${lock.key} AND failures >= ${lock.lockAt}::int)`);
  const gate =
    reached.length > 0
      ? Prisma.sql`SELECT EXISTS (SELECT 1 FROM auth_counters WHERE ${Prisma.join(reached, " OR ")}) AS locked`
      : Prisma.sql`SELECT false AS locked`;
  const counted = steps.map(
    (step, i) =>
      Prisma.sql`${Prisma.raw(`step_${i}`)} AS (${countStep(step, i === 0 ? Prisma.sql`gate WHERE NOT gate.locked` : Prisma.raw(`step_${i - 1}`), now)})`,
  );
  const columns = steps.map(
    (_step, i) => Prisma.sql`(SELECT failures FROM ${Prisma.raw(`step_${i}`)}) AS ${Prisma.raw(`counted_${i}`)}`,
  );
  const [row] = await db.$queryRaw<ChainRow[]>`
    WITH gate AS (${gate}), ${Prisma.join(counted, ", ")}
    SELECT (SELECT locked FROM gate) AS locked, ${Prisma.join(columns, ", ")}`;
  if (!row || row.locked) return { kind: "locked" };
  for (const [i, step] of steps.entries()) {
    const failures = row[`counted_${i}`];
    if (typeof failures === "number") {
      if (i === steps.length - 1) return { kind: "open", failures };
      continue;
    }
    // The statement's snapshot may predate the attempt it queued behind: read the row as it is now.
    const current = await db.authCounter.findUnique({ where: { key: step.key } });
    if ((current?.failures ?? 0) >= (step.rule.lockAt ?? NO_LOCK)) return { kind: "locked" };
    const waitMs = (current?.blockedUntil?.getTime() ?? now.getTime()) - now.getTime();
    return { kind: "throttled", retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
  return { kind: "locked" };
}

/** Counts one attempt against `key` unless it is blocked or locked (see reserveChain). */
export function reserve(db: Database, key: string, rule: CounterRule, now: Date): Promise<Reservation> {
  return reserveChain(db, [], [{ key, rule }], now);
}

/**
 * The counters a guess at a secret is counted on (issue 10, M6): the client (any account), the pair
 * (this scope from this client: the growing delays), the scope alone (every client: only the hard
 * lock) and, for passwords, the contributor's share of the scope (see countPasswordFailure). Keying
 * the delays on the pair means nobody can keep the owner's right password waiting.
 */
export type GuessKeys = { client: string; pair: string; scope: string; contributor: string };

/** Who guesses: the limit network (IPv6 /64) for delays, the scope network (IPv6 /48) for the lock. */
export type GuessSource = { limitHash: string | null; scopeHash: string | null };

export const guessKeysFor = (scope: string, source: GuessSource): GuessKeys => {
  const client = clientKeyFor(source.limitHash);
  return { client, pair: `${scope}|${client}`, scope, contributor: `${scope}#net:${source.scopeHash ?? "unknown"}` };
};

/** Password guesses at an account. */
export const passwordGuessKeys = (keys: CounterKeys, source: GuessSource): GuessKeys =>
  guessKeysFor(keys.account, source);

/**
 * Counts one guess against the client, the pair and the scope, in that order (a refused guess is not
 * counted further on, so a throttled client cannot push a scope towards its lock). A locked scope is
 * answered first, without counting anything. Used for second factors, where every guess needs the
 * password (or a session, or the mailbox) first, so the lock is the point and is reserved before the
 * check: a burst cannot get more guesses checked than the lock allows. The guess stays counted as a
 * failure unless `recordGuessSuccess` takes it back. `alsoLockedBy`: another scope whose lock
 * refuses this guess too (a password lock refuses the second step of that sign-in).
 */
export async function reserveGuess(
  db: Database,
  keys: GuessKeys,
  settings: ThrottleSettings,
  now: Date,
  alsoLockedBy?: string,
): Promise<Reservation> {
  const lockAt = settings.lockoutFailures;
  const locks = [keys.scope, ...(alsoLockedBy ? [alsoLockedBy] : [])].map((key) => ({ key, lockAt }));
  return reserveChain(
    db,
    locks,
    [
      ...guessDelaySteps(keys, settings),
      // No delay on the scope itself: it only counts consecutive failures from every client up to the lock.
      { key: keys.scope, rule: { freeAttempts: lockAt, windowSeconds: 0, lockAt } },
    ],
    now,
  );
}

/**
 * Counts a password guess on the client and the pair (the delays) only; the scope is counted after
 * the password turned out wrong (countPasswordFailure), so right passwords in flight never push an
 * account to its lock (issue 10 review, R7). A locked scope is answered first, counting nothing.
 * `failures` is the pair's count.
 */
export function reservePasswordGuess(
  db: Database,
  keys: GuessKeys,
  settings: ThrottleSettings,
  now: Date,
): Promise<Reservation> {
  return reserveChain(
    db,
    [{ key: keys.scope, lockAt: settings.lockoutFailures }],
    guessDelaySteps(keys, settings),
    now,
  );
}

/** The client's counter (an hour's window), then the pair's (no window: cleared on success). */
const guessDelaySteps = (keys: GuessKeys, settings: ThrottleSettings): ChainStep[] => [
  { key: keys.client, rule: { freeAttempts: settings.clientFreeFailures, windowSeconds: CLIENT_WINDOW_SECONDS } },
  { key: keys.pair, rule: { freeAttempts: settings.loginFreeFailures, windowSeconds: 0 } },
];

/**
 * Counts a wrong password on the account's scope, but at most `loginFreeFailures` per contributor
 * (the scope network: an IPv4 address or an IPv6 /48) within one run of failures, so no single source
 * (one machine waiting out every delay, or the /64s of one allocation) can reach the hard lock; that
 * takes ceil(LOCKOUT_FAILURES / LOGIN_FREE_FAILURES) distinct sources (issue 10 review, R1, R2).
 * One statement: the share and the scope move together. Returns the scope's count when this failure
 * was counted on it, else null.
 */
export async function countPasswordFailure(
  db: Database,
  keys: GuessKeys,
  settings: ThrottleSettings,
  now: Date,
): Promise<number | null> {
  const rows = await db.$queryRaw<Array<{ failures: number }>>`
    WITH share AS (
      INSERT INTO auth_counters (key, failures, window_started_at, blocked_until, updated_at)
      VALUES (${keys.contributor}, 1, ${now}, NULL, ${now})
      ON CONFLICT (key) DO UPDATE SET failures = auth_counters.failures + 1, updated_at = ${now}
      WHERE auth_counters.failures < ${settings.loginFreeFailures}::int
      RETURNING failures)
    INSERT INTO auth_counters (key, failures, window_started_at, blocked_until, updated_at)
    SELECT ${keys.scope}, 1, ${now}::timestamptz, NULL, ${now}::timestamptz FROM share
    ON CONFLICT (key) DO UPDATE SET failures = auth_counters.failures + 1, updated_at = ${now}
    RETURNING failures`;
  return rows[0]?.failures ?? null;
}

/** Counts a sign-in attempt with a password (see reservePasswordGuess). */
export function reserveLoginAttempt(
  db: Database,
  keys: CounterKeys,
  source: GuessSource,
  settings: ThrottleSettings,
  now: Date,
): Promise<Reservation> {
  return reservePasswordGuess(db, passwordGuessKeys(keys, source), settings, now);
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
export function recordLoginSuccess(db: Database, keys: CounterKeys, source: GuessSource): Promise<void> {
  return recordGuessSuccess(db, passwordGuessKeys(keys, source));
}

/**
 * A right password that is only part of a sign-in (before the second factor) takes back this
 * attempt from the client and the pair and clears nothing: partial success resets nothing (issue 10,
 * H1). The scope was not counted for it (reservePasswordGuess).
 */
export async function takeBackPasswordGuess(db: Database, keys: GuessKeys): Promise<void> {
  // One row per statement, in the chain's order: a statement holding both rows could deadlock with
  // a reservation that holds the client's row while it waits for the pair's.
  for (const key of [keys.client, keys.pair]) await takeBackAttempt(db, key);
}

/**
 * Forgets the scope's failures, every contributor's share of them, and this client's pair. In the
 * order reservations take these rows (pair, shares, scope), never more than one kind per statement,
 * so it cannot deadlock with a reservation holding an earlier row while it waits for a later one.
 */
export async function clearGuessCounters(db: Database, keys: GuessKeys): Promise<void> {
  await db.$executeRaw`DELETE FROM auth_counters WHERE key = ${keys.pair}`;
  await db.$executeRaw`DELETE FROM auth_counters WHERE starts_with(key, ${`${keys.scope}#`})`;
  await db.$executeRaw`DELETE FROM auth_counters WHERE key = ${keys.scope}`;
}

/**
 * Forgets everything counted on a scope: its failures and lock, every client's pair (their delays)
 * and every share. For a proof of the mailbox (a reset) or a new owner of the address (signup).
 */
export async function clearScope(db: Database, scope: string): Promise<void> {
  await db.$executeRaw`
    DELETE FROM auth_counters
    WHERE key = ${scope} OR starts_with(key, ${`${scope}|`}) OR starts_with(key, ${`${scope}#`})`;
}

/**
 * Takes this client's failures at `scope` back from its client counter and lifts its delay there (the
 * caller proved who they are, e.g. by a reset); failures it made elsewhere stay.
 */
export async function takeBackClientFailuresAt(db: Database, keys: GuessKeys): Promise<void> {
  await db.$executeRaw`
    UPDATE auth_counters SET failures = GREATEST(auth_counters.failures - pair.failures, 0), blocked_until = NULL
    FROM auth_counters AS pair
    WHERE auth_counters.key = ${keys.client} AND pair.key = ${keys.pair}`;
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

/** Takes back one counted attempt on `key` (the attempt it reserved succeeded). */
export async function takeBackAttempt(db: Database, key: string): Promise<void> {
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
