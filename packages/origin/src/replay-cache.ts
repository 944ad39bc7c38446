// A bounded in-memory set of assertion ids (jti) already seen, each remembered until its assertion expires.

export type ReplayCache = {
  /**
   * Records `assertionId` as used until `expiresAtSeconds`; returns `false` when it was already used.
   * The check and the insert happen in one synchronous step, so two concurrent requests carrying the
   * same assertion cannot both pass.
   */
  consume: (assertionId: string, times: { expiresAtSeconds: number; nowSeconds: number }) => boolean;
  /** Number of ids currently remembered. */
  readonly size: number;
};

/**
 * Creates a replay cache holding at most `maxEntries` ids. Expired ids are dropped on every use;
 * when the cache is still full, the oldest id is evicted to make room: a short replay window for
 * that one id is the lesser harm than refusing legitimate traffic.
 */
export function createReplayCache(maxEntries: number): ReplayCache {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError("maxEntries must be a positive integer");
  const expiresAtById = new Map<string, number>();

  function pruneExpired(nowSeconds: number, sweepAll: boolean): void {
    // Insertion order is nearly expiry order (every assertion lives about as long), so the front
    // holds the expired ids; a full sweep is only needed when the cache is full.
    for (const [id, expiresAtSeconds] of expiresAtById) {
      if (expiresAtSeconds < nowSeconds) expiresAtById.delete(id);
      else if (!sweepAll) return;
    }
  }

  return {
    consume(assertionId, { expiresAtSeconds, nowSeconds }) {
      pruneExpired(nowSeconds, false);
      if (expiresAtById.has(assertionId)) return false;
      if (expiresAtById.size >= maxEntries) {
        pruneExpired(nowSeconds, true);
        // Still full of live ids: evict the oldest (about the soonest to expire) rather than refuse.
        const oldestId = expiresAtById.keys().next().value;
        if (expiresAtById.size >= maxEntries && oldestId !== undefined) expiresAtById.delete(oldestId);
      }
      expiresAtById.set(assertionId, expiresAtSeconds);
      return true;
    },
    get size() {
      return expiresAtById.size;
    },
  };
}
