// Login history: a user's sign-in attempts from the audit trail, each joined to the session it started.
import type { Database } from "../../db/client.ts";

export type LoginHistoryEntry = {
  /** The audit event's id: the page cursor. */
  id: string;
  at: Date;
  success: boolean;
  /** password, passkey, oauth, federated, password+totp, …; null for rows written before methods were recorded. */
  method: string | null;
  /** The OAUTH_PROVIDERS or FEDERATED_ISSUERS entry id for social and federated sign-ins. */
  provider: string | null;
  /** The validated `iss` of a federated token exchange. */
  issuer: string | null;
  ipHash: string | null;
  userAgent: string | null;
  sessionId: string | null;
  /** Whole minutes from sign-in to the session's end; null while it is live or when no session began. */
  durationMinutes: number | null;
};

type Row = {
  id: string;
  created_at: Date;
  success: boolean;
  method: string | null;
  provider: string | null;
  issuer: string | null;
  ip_hash: string | null;
  user_agent: string | null;
  session_id: string | null;
  ended_at: Date | null;
  started_at: Date | null;
};

/**
 * The user's sign-in attempts, newest first, `before` an event id (UUIDv7, so id order is time order).
 * One query: the session is joined by the id the success row carries in its metadata. A session has
 * ended when revoked (it ends at revoked_at) or past either expiry (it ends when last seen: the last
 * moment it was in use, never later than its absolute expiry).
 */
export async function listLoginHistory(
  db: Database,
  userId: string,
  page: { limit: number; before?: string; now: Date },
): Promise<LoginHistoryEntry[]> {
  const before = page.before ?? null;
  const rows = await db.$queryRaw<Row[]>`
    SELECT e.id::text AS id, e.created_at, e.success,
           e.metadata->>'method' AS method, e.metadata->>'provider' AS provider, e.metadata->>'issuer' AS issuer,
           e.ip_hash, e.user_agent, s.id::text AS session_id, s.created_at AS started_at,
           CASE
             WHEN s.revoked_at IS NOT NULL THEN s.revoked_at
             WHEN s.expires_at <= ${page.now} OR s.idle_expires_at <= ${page.now}
               THEN LEAST(s.last_seen_at, s.expires_at)
           END AS ended_at
    FROM audit_events e
    LEFT JOIN sessions s ON s.user_id = e.user_id AND s.id::text = e.metadata->>'sessionId'
    WHERE e.user_id = ${userId}::uuid
      AND e.action IN ('login.succeeded', 'login.failed')
      AND (${before}::uuid IS NULL OR e.id < ${before}::uuid)
    ORDER BY e.id DESC
    LIMIT ${page.limit}`;
  return rows.map((row) => ({
    id: row.id,
    at: row.created_at,
    success: row.success,
    method: row.method,
    provider: row.provider,
    issuer: row.issuer,
    ipHash: row.ip_hash,
    userAgent: row.user_agent,
    sessionId: row.session_id,
    durationMinutes:
      row.ended_at && row.started_at
        ? Math.max(0, Math.floor((row.ended_at.getTime() - row.started_at.getTime()) / 60_000))
        : null,
  }));
}

/** An entry as the JSON routes answer it. */
export function presentLoginHistoryEntry(entry: LoginHistoryEntry) {
  return { ...entry, at: entry.at.toISOString() };
}

export type PresentedLoginHistoryEntry = ReturnType<typeof presentLoginHistoryEntry>;
