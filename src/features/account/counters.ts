// Failed sign-in counters per account and per client, kept in Postgres with atomic upserts.
import { encodeHexLowerCase } from "@oslojs/encoding";
import { hmacSha256 } from "../../crypto/bytes.ts";
import type { ServerKeys } from "../../crypto/server-keys.ts";
import type { Database } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";

/** Longest delay between attempts once throttling starts. */
const MAX_DELAY_SECONDS = 15 * 60;
/** A client's failures are forgotten after an hour without a failure. */
const CLIENT_WINDOW_SECONDS = 3600;

export type CounterKeys = { account: string; client: string | null };

export type ThrottleSettings = { loginFreeFailures: number; clientFreeFailures: number; lockoutFailures: number };

/**
 * The account counter is keyed by an HMAC of the normalized email, not the user id, so unknown and
 * known addresses are throttled identically and reveal nothing.
 */
export async function counterKeysFor(keys: ServerKeys, email: string, ipHash: string | null): Promise<CounterKeys> {
  const account = `account:${encodeHexLowerCase(await hmacSha256(keys.counterKey, email))}`;
  return { account, client: ipHash ? `client:${ipHash}` : null };
}

export type ThrottleState = { kind: "open" } | { kind: "locked" } | { kind: "throttled"; retryAfterSeconds: number };

/** Whether a sign-in may be attempted now, before any password work is done. */
export async function readThrottle(
  db: Database,
  keys: CounterKeys,
  settings: ThrottleSettings,
  now: Date,
): Promise<ThrottleState> {
  const rows = await db.authCounter.findMany({
    where: { key: { in: [keys.account, ...(keys.client ? [keys.client] : [])] } },
  });
  const account = rows.find((row) => row.key === keys.account);
  if (account && account.failures >= settings.lockoutFailures) return { kind: "locked" };
  const blockedUntil = rows
    .map((row) => row.blockedUntil?.getTime() ?? 0)
    .reduce((latest, time) => Math.max(latest, time), 0);
  if (blockedUntil > now.getTime())
    return { kind: "throttled", retryAfterSeconds: Math.ceil((blockedUntil - now.getTime()) / 1000) };
  return { kind: "open" };
}

// One statement per counter: increments it (or restarts an expired window) and sets the next delay,
// 2^(failures - free) seconds capped at 15 minutes, from the incremented value. (A CTE plus a second
// UPDATE cannot do this: both would modify the same row in one statement.)
async function incrementCounter(
  db: Database,
  key: string,
  options: { freeFailures: number; windowSeconds: number; now: Date },
) {
  const { now, windowSeconds, freeFailures } = options;
  const windowExpired = Prisma.sql`(${windowSeconds}::int > 0 AND auth_counters.updated_at < ${now}::timestamptz - make_interval(secs => ${windowSeconds}::int))`;
  const nextFailures = Prisma.sql`(CASE WHEN ${windowExpired} THEN 1 ELSE auth_counters.failures + 1 END)`;
  const rows = await db.$queryRaw<Array<{ failures: number }>>`
    INSERT INTO auth_counters (key, failures, window_started_at, blocked_until, updated_at)
    VALUES (${key}, 1, ${now}, NULL, ${now})
    ON CONFLICT (key) DO UPDATE SET
      failures = ${nextFailures},
      window_started_at = CASE WHEN ${windowExpired} THEN ${now} ELSE auth_counters.window_started_at END,
      blocked_until = CASE WHEN ${nextFailures} > ${freeFailures}::int
        THEN ${now}::timestamptz + make_interval(secs => LEAST(power(2, ${nextFailures} - ${freeFailures}::int), ${MAX_DELAY_SECONDS}::int))
        ELSE NULL END,
      updated_at = ${now}
    RETURNING failures`;
  return rows[0]?.failures ?? 0;
}

/** Counts one failed attempt against the account and the client; returns the account's consecutive failures. */
export async function recordLoginFailure(
  db: Database,
  keys: CounterKeys,
  settings: ThrottleSettings,
  now: Date,
): Promise<number> {
  const [accountFailures] = await Promise.all([
    incrementCounter(db, keys.account, { freeFailures: settings.loginFreeFailures, windowSeconds: 0, now }),
    keys.client
      ? incrementCounter(db, keys.client, {
          freeFailures: settings.clientFreeFailures,
          windowSeconds: CLIENT_WINDOW_SECONDS,
          now,
        })
      : Promise.resolve(0),
  ]);
  return accountFailures;
}

/**
 * A successful sign-in ends the account's run of failures. The client counter stays: otherwise one
 * valid account would let a client reset its own throttle between guesses at others.
 */
export async function clearAccountFailures(db: Database, keys: CounterKeys): Promise<void> {
  await db.authCounter.deleteMany({ where: { key: keys.account } });
}
