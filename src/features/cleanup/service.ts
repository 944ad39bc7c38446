// Scheduled cleanup: deletes what can no longer be used, in bounded batches so one run never holds
// long locks or runs past the Worker's limits. Each pass returns how many rows it removed.
import { DEFAULT_CONFIG } from "../../config/schema.ts";
import type { Database } from "../../db/client.ts";
import { WEBHOOK_TOLERANCE_SECONDS } from "../delivery/signature.ts";

export const CLEANUP_BATCH_SIZE = 500;
/** Ended sessions (and their refresh tokens) stay this long for the user's session history. */
const ENDED_SESSION_RETENTION_DAYS = 30;
/** Delivered or failed outbox rows are kept this long for support. */
const OUTBOX_RETENTION_DAYS = 7;
/** Counters untouched this long are forgotten, except a lock (password or second factor) a reset must lift. */
const COUNTER_RETENTION_DAYS = 7;
/** Answered, revoked or expired invitations stay this long, so owners see what became of them. */
const INVITATION_RETENTION_DAYS = 30;

/**
 * Webhook event ids serve only to refuse a replay, and an event older than the signature's window is
 * refused by its timestamp anyway: kept for twice that window (10 minutes, as the webhook route's own
 * pruning keeps them), which also covers a sender's clock running ahead.
 */
export const WEBHOOK_EVENT_RETENTION_SECONDS = 2 * WEBHOOK_TOLERANCE_SECONDS;

export type CleanupReport = Record<
  | "verificationCodes"
  | "refreshTokens"
  | "sessions"
  | "counters"
  | "outbox"
  | "challenges"
  | "invitations"
  | "deliveryLog"
  | "webhookEvents",
  number
>;

async function deleteBatch(db: Database, table: string, where: string, now: Date): Promise<number> {
  // Table and condition are constants of this module; only `now` and the limit are parameters.
  return db.$executeRawUnsafe(
    `DELETE FROM "${table}" WHERE ctid IN (SELECT ctid FROM "${table}" WHERE ${where.replaceAll("$1", "$1::timestamptz")} LIMIT ${CLEANUP_BATCH_SIZE})`,
    now,
  );
}

/** Runs each purge in batches until it has nothing left or `maxBatches` per kind is reached. */
export async function purgeExpired(
  db: Database,
  options: {
    now: Date;
    lockoutFailures: number;
    maxBatches?: number;
    /** @default DEFAULT_CONFIG.deliveryLogRetentionDays (DELIVERY_LOG_RETENTION_DAYS) */
    deliveryLogRetentionDays?: number;
  },
): Promise<CleanupReport> {
  const maxBatches = options.maxBatches ?? 20;
  const deliveryLogDays = Math.trunc(options.deliveryLogRetentionDays ?? DEFAULT_CONFIG.deliveryLogRetentionDays);
  const purges: Array<[keyof CleanupReport, string, string]> = [
    ["verificationCodes", "verification_codes", "expires_at < $1 OR consumed_at < $1 - interval '1 day'"],
    ["refreshTokens", "refresh_tokens", "expires_at < $1 - interval '1 day'"],
    [
      "sessions",
      "sessions",
      `(revoked_at IS NOT NULL AND revoked_at < $1 - interval '${ENDED_SESSION_RETENTION_DAYS} days') OR expires_at < $1 - interval '${ENDED_SESSION_RETENTION_DAYS} days' OR idle_expires_at < $1 - interval '${ENDED_SESSION_RETENTION_DAYS} days'`,
    ],
    [
      "counters",
      "auth_counters",
      `updated_at < $1 - interval '${COUNTER_RETENTION_DAYS} days' AND (blocked_until IS NULL OR blocked_until < $1) AND NOT ((key LIKE 'account:%' OR key LIKE 'mfa:%') AND failures >= ${Math.trunc(options.lockoutFailures)})`,
    ],
    ["outbox", "outbox_messages", `created_at < $1 - interval '${OUTBOX_RETENTION_DAYS} days'`],
    ["challenges", "mfa_challenges", "expires_at < $1"],
    ["challenges", "webauthn_challenges", "expires_at < $1"],
    ["challenges", "oauth_flows", "expires_at < $1"],
    ["challenges", "identity_link_intents", "expires_at < $1"],
    [
      "invitations",
      "invitations",
      ["expires_at", "accepted_at", "declined_at", "revoked_at"]
        .map((column) => `${column} < $1 - interval '${INVITATION_RETENTION_DAYS} days'`)
        .join(" OR "),
    ],
    ["deliveryLog", "delivery_log", `created_at < $1 - interval '${deliveryLogDays} days'`],
    [
      "webhookEvents",
      "delivery_webhook_events",
      `received_at < $1 - interval '${WEBHOOK_EVENT_RETENTION_SECONDS} seconds'`,
    ],
  ];
  const report: CleanupReport = {
    verificationCodes: 0,
    refreshTokens: 0,
    sessions: 0,
    counters: 0,
    outbox: 0,
    challenges: 0,
    invitations: 0,
    deliveryLog: 0,
    webhookEvents: 0,
  };
  for (const [name, table, where] of purges) {
    for (let batch = 0; batch < maxBatches; batch++) {
      const removed = await deleteBatch(db, table, where, options.now);
      report[name] += removed;
      if (removed < CLEANUP_BATCH_SIZE) break;
    }
  }
  return report;
}
