// Revocation markers at the edge: a revoked session id, or a per-user "not before" time. Each lives
// exactly as long as an access token could, since afterwards the token has expired anyway.

// Workers KV refuses an expirationTtl below 60 seconds.
const MIN_KV_TTL_SECONDS = 60;

const sessionKey = (sessionId: string) => `revoked:sid:${sessionId}`;
const userKey = (userId: string) => `notbefore:user:${userId}`;

const ttlFor = (accessTokenTtlSeconds: number) => Math.max(MIN_KV_TTL_SECONDS, accessTokenTtlSeconds);

/** Marks sessions revoked so their outstanding access tokens stop working at once. */
export async function markSessionsRevoked(
  kv: KVNamespace,
  sessionIds: string[],
  accessTokenTtlSeconds: number,
): Promise<void> {
  const expirationTtl = ttlFor(accessTokenTtlSeconds);
  await Promise.all(sessionIds.map((id) => kv.put(sessionKey(id), "1", { expirationTtl })));
}

/** Refuses every access token of `userId` issued before `notBeforeSeconds` (disable, password reset). */
export async function markUserNotBefore(
  kv: KVNamespace,
  userId: string,
  notBeforeSeconds: number,
  accessTokenTtlSeconds: number,
): Promise<void> {
  await kv.put(userKey(userId), String(notBeforeSeconds), { expirationTtl: ttlFor(accessTokenTtlSeconds) });
}

export type RevocationState = "active" | "revoked";

/** Reads both markers for a token; throws when KV cannot be read, so callers fail closed. */
export async function readRevocation(
  kv: KVNamespace,
  token: { sessionId: string; userId: string; issuedAtSeconds: number },
): Promise<RevocationState> {
  const [sessionMarker, notBefore] = await Promise.all([
    kv.get(sessionKey(token.sessionId)),
    kv.get(userKey(token.userId)),
  ]);
  if (sessionMarker !== null) return "revoked";
  if (notBefore !== null && token.issuedAtSeconds < Number(notBefore)) return "revoked";
  return "active";
}
