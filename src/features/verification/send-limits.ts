// Hourly send limits (codes, links, notices) per purpose: fixed windows counted atomically in Postgres.
// Every key of a request is counted in one upsert each, before anything branches on whether an
// account exists, so a burst in parallel can never send more than the limit. The tight limit is per
// (address, client): a stranger's requests must not use up the owner's allowance (review of issue 10, D2).
import type { ServerKeys } from "../../crypto/server-keys.ts";
import type { Database } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { counterKeysFor, guessKeysFor } from "../account/counters.ts";

/** Messages per purpose per (address, client network) and per user per fixed hour. */
export const SENDS_PER_HOUR = 3;
/** Messages per purpose per address from every client together per fixed hour: the mail-bombing ceiling. */
export const ADDRESS_SENDS_PER_HOUR = 10;
/** Messages per purpose per client network per fixed hour (a shared NAT may ask for several people). */
export const CLIENT_SENDS_PER_HOUR = 20;
export const SEND_WINDOW_SECONDS = 3600;

export type SendPurpose = "email_verification" | "password_reset" | "email_change" | "phone_verification";

export type SendAllowance = { kind: "open" } | { kind: "throttled"; retryAfterSeconds: number };

type SendRequest = { purpose: SendPurpose; address: string; userId?: string; limitHash: string | null; now: Date };

/** The keys a send counts on, in order: client, user (signed in), (address, client), address. */
async function sendLimits(keys: ServerKeys, input: SendRequest): Promise<Array<[string, number]>> {
  const counterKeys = await counterKeysFor(keys, input.address, input.limitHash);
  const pair = guessKeysFor(counterKeys.account, { limitHash: input.limitHash, scopeHash: null }).pair;
  return [
    [`send:${input.purpose}:${counterKeys.client}`, CLIENT_SENDS_PER_HOUR],
    ...(input.userId ? [[`send:${input.purpose}:user:${input.userId}`, SENDS_PER_HOUR] as [string, number]] : []),
    [`send:${input.purpose}:${pair}`, SENDS_PER_HOUR],
    [`send:${input.purpose}:${counterKeys.account}`, ADDRESS_SENDS_PER_HOUR],
  ];
}

/**
 * Counts one request against `key` in a fixed window that starts at the key's first request:
 * one INSERT … ON CONFLICT DO UPDATE (the row lock makes parallel requests queue), returning the
 * count including this request and when its window started. Also counts invitations per tenant.
 */
export async function countInFixedWindow(db: Database, key: string, now: Date) {
  const expired = Prisma.sql`auth_counters.window_started_at <= ${now}::timestamptz - make_interval(secs => ${SEND_WINDOW_SECONDS}::int)`;
  const rows = await db.$queryRaw<Array<{ count: number; window_started_at: Date }>>`
    INSERT INTO auth_counters (key, failures, window_started_at, blocked_until, updated_at)
    VALUES (${key}, 1, ${now}, NULL, ${now})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN ${expired} THEN 1 ELSE auth_counters.failures + 1 END,
      window_started_at = CASE WHEN ${expired} THEN ${now} ELSE auth_counters.window_started_at END,
      updated_at = ${now}
    RETURNING failures AS count, window_started_at`;
  const row = rows[0];
  if (!row) throw new Error("send counter upsert returned no row");
  return row;
}

/**
 * Counts a message about to be sent: first against the client network (so a throttled client cannot
 * use up other people's allowance), then the user (when signed in), the (address, client) pair and
 * the address from every client. A refused request is not counted on the keys after it, so one
 * client cannot push an address to its ceiling. Unknown and known addresses are counted exactly alike.
 */
export async function reserveSend(db: Database, keys: ServerKeys, input: SendRequest): Promise<SendAllowance> {
  for (const [key, limit] of await sendLimits(keys, input)) {
    const counted = await countInFixedWindow(db, key, input.now);
    if (counted.count > limit) {
      const endsAt = counted.window_started_at.getTime() + SEND_WINDOW_SECONDS * 1000;
      return { kind: "throttled", retryAfterSeconds: Math.max(1, Math.ceil((endsAt - input.now.getTime()) / 1000)) };
    }
  }
  return { kind: "open" };
}

/**
 * Counts a message that is sent whatever the counts say (signup's mail to a new account, bounded by
 * the signup limit per client): later requests see it, but it is never refused.
 */
export async function recordSend(db: Database, keys: ServerKeys, input: SendRequest): Promise<void> {
  for (const [key] of await sendLimits(keys, input)) await countInFixedWindow(db, key, input.now);
}

/**
 * Forgets what requests for an address counted while it had no account (called when one is created),
 * so requests made before the owner signed up never hold back their mail (review of issue 10, D2).
 * Only the address-wide keys: a pair's count stays with the client that made it.
 */
export async function clearAddressSends(db: Database, keys: ServerKeys, address: string): Promise<void> {
  const { account } = await counterKeysFor(keys, address, null);
  const purposes: SendPurpose[] = ["email_verification", "password_reset"];
  await db.authCounter.deleteMany({ where: { key: { in: purposes.map((purpose) => `send:${purpose}:${account}`) } } });
}
