// Revocation markers at the edge: a revoked session id, or a per-user "not before" time. Each lives
// exactly as long as an access token could, since afterwards the token has expired anyway.

// Workers KV refuses an expirationTtl below 60 seconds.
const MIN_KV_TTL_SECONDS = 60;

const sessionKey = (sessionId: string) => `revoked:sid:${sessionId}`;
const userKey = (userId: string) => `notbefore:user:${userId}`;
const membershipEpochKey = (userId: string) => `epoch:user:${userId}`;

const ttlFor = (accessTokenTtlSeconds: number) => Math.max(MIN_KV_TTL_SECONDS, accessTokenTtlSeconds);

/** KV could not be written: revocation reached the database but not (yet) the edge. */
export class EdgeRevocationError extends Error {
  override name = "EdgeRevocationError";
}

// One retry: a lost marker means a revoked access token keeps working until it expires.
async function putWithRetry(kv: KVNamespace, key: string, value: string, expirationTtl: number): Promise<void> {
  try {
    await kv.put(key, value, { expirationTtl });
  } catch {
    try {
      await kv.put(key, value, { expirationTtl });
    } catch (cause) {
      throw new EdgeRevocationError("could not write a revocation marker", { cause });
    }
  }
}

/** Marks sessions revoked so their outstanding access tokens stop working at once. */
export async function markSessionsRevoked(
  kv: KVNamespace,
  sessionIds: string[],
  accessTokenTtlSeconds: number,
): Promise<void> {
  const expirationTtl = ttlFor(accessTokenTtlSeconds);
  await Promise.all(sessionIds.map((id) => putWithRetry(kv, sessionKey(id), "1", expirationTtl)));
}

/** Refuses every access token of `userId` issued before `notBeforeSeconds` (disable, password reset). */
export async function markUserNotBefore(
  kv: KVNamespace,
  userId: string,
  notBeforeSeconds: number,
  accessTokenTtlSeconds: number,
): Promise<void> {
  await putWithRetry(kv, userKey(userId), String(notBeforeSeconds), ttlFor(accessTokenTtlSeconds));
}

/**
 * Publishes the user's membership epoch after a change to their memberships or roles: access tokens
 * carrying an older `mep` are refused at the edge (browsers refresh and get the new roles at once).
 */
export async function markMembershipEpoch(
  kv: KVNamespace,
  userId: string,
  membershipEpoch: number,
  accessTokenTtlSeconds: number,
): Promise<void> {
  await putWithRetry(kv, membershipEpochKey(userId), String(membershipEpoch), ttlFor(accessTokenTtlSeconds));
}

/** "stale": the session is fine, but the token predates a change to the user's memberships or roles. */
export type RevocationState = "active" | "revoked" | "stale";

/** Reads the markers for a token; throws when KV cannot be read, so callers fail closed. */
export async function readRevocation(
  kv: KVNamespace,
  token: { sessionId: string; userId: string; issuedAtSeconds: number; membershipEpoch: number },
): Promise<RevocationState> {
  // One bulk read for every marker: a single KV round trip on the hot path.
  const sessionMarkerKey = sessionKey(token.sessionId);
  const notBeforeKey = userKey(token.userId);
  const epochKey = membershipEpochKey(token.userId);
  const markers = await kv.get([sessionMarkerKey, notBeforeKey, epochKey], "text");
  const sessionMarker = markers.get(sessionMarkerKey) ?? null;
  const notBefore = markers.get(notBeforeKey) ?? null;
  const epoch = markers.get(epochKey) ?? null;
  if (sessionMarker !== null) return "revoked";
  if (notBefore !== null && token.issuedAtSeconds < Number(notBefore)) return "revoked";
  if (epoch !== null && token.membershipEpoch < Number(epoch)) return "stale";
  return "active";
}
