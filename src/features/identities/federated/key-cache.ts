// Issuers' keys cached in KV (shared by isolates) and in each isolate's memory; an unknown kid
// refetches at most once per REFETCH_INTERVAL_MS per issuer, and concurrent callers share one fetch.
import { createLocalJWKSet, errors, importX509, type JWSHeaderParameters } from "jose";
import type { FederatedIssuer } from "./issuers.ts";
import { type FederatedDeps, type FetchedKeys, fetchIssuerKeys, parseStoredKeys } from "./key-fetch.ts";

export const REFETCH_INTERVAL_MS = 30_000;
// Workers KV refuses an expirationTtl below 60 seconds; the stored time decides, not the TTL.
const GUARD_TTL_SECONDS = 60;

export const keysKvKey = (issuerId: string) => `fedkeys:${issuerId}`;
const guardKvKey = (issuerId: string) => `fedkeys-refetch:${issuerId}`;

type LoadedKeys = { fetched: FetchedKeys; select(header: JWSHeaderParameters): Promise<CryptoKey | null> };
export type KeyLookup = { kind: "key"; key: CryptoKey } | { kind: "unknown_key" } | { kind: "keys_unavailable" };

function loadKeys(fetched: FetchedKeys): LoadedKeys {
  if (fetched.format === "jwks") {
    const jwks = createLocalJWKSet(fetched.jwks as Parameters<typeof createLocalJWKSet>[0]);
    return {
      fetched,
      async select(header) {
        try {
          return (await jwks(header)) as CryptoKey;
        } catch (error) {
          // Several keys without a kid to tell them apart, or an unusable key: no key for this token.
          if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
          throw error;
        }
      },
    };
  }
  const imported = new Map<string, Promise<CryptoKey | null>>();
  return {
    fetched,
    select(header) {
      const pem = header.kid === undefined ? undefined : fetched.certificates[header.kid];
      if (pem === undefined || header.alg === undefined) return Promise.resolve(null);
      const cacheKey = `${header.kid}\n${header.alg}`;
      let key = imported.get(cacheKey);
      if (!key) {
        key = importX509(pem, header.alg).catch(() => null);
        imported.set(cacheKey, key);
      }
      return key;
    },
  };
}

const isFresh = (fetched: FetchedKeys, issuer: FederatedIssuer, now: Date) =>
  fetched.source === issuer.keys.url && now.getTime() < fetched.fetchedAtMs + fetched.ttlSeconds * 1000;

export type KeyCache = {
  /** The key for a token's header, refetching once (rate limited) when its kid is unknown. */
  findKey(deps: FederatedDeps, issuer: FederatedIssuer, header: JWSHeaderParameters): Promise<KeyLookup>;
};

/** One isolate's cache in front of KV (a module keeps one; a test makes another to play a second isolate). */
export function createKeyCache(): KeyCache {
  const memory = new Map<string, LoadedKeys>();
  const loading = new Map<string, Promise<LoadedKeys | null>>();
  const fetching = new Map<string, Promise<LoadedKeys | null>>();
  const lastRefetchMs = new Map<string, number>();

  function share(map: Map<string, Promise<LoadedKeys | null>>, id: string, work: () => Promise<LoadedKeys | null>) {
    const running = map.get(id);
    if (running) return running;
    const promise = work().finally(() => map.delete(id));
    map.set(id, promise);
    return promise;
  }

  async function fetchAndStore(deps: FederatedDeps, issuer: FederatedIssuer): Promise<LoadedKeys | null> {
    const fetched = await fetchIssuerKeys(deps, issuer);
    if (!fetched) return null;
    const loaded = loadKeys(fetched);
    memory.set(issuer.id, loaded);
    try {
      await deps.kv.put(keysKvKey(issuer.id), JSON.stringify(fetched), { expirationTtl: fetched.ttlSeconds });
    } catch {
      // The memory copy still serves this isolate; others fetch for themselves.
    }
    return loaded;
  }

  async function readKv(deps: FederatedDeps, issuer: FederatedIssuer): Promise<FetchedKeys | null> {
    try {
      const text = await deps.kv.get(keysKvKey(issuer.id), "text");
      const stored = text === null ? null : parseStoredKeys(text);
      return stored && isFresh(stored, issuer, deps.now) ? stored : null;
    } catch {
      return null;
    }
  }

  function currentKeys(deps: FederatedDeps, issuer: FederatedIssuer): Promise<LoadedKeys | null> {
    const cached = memory.get(issuer.id);
    if (cached && isFresh(cached.fetched, issuer, deps.now)) return Promise.resolve(cached);
    return share(loading, issuer.id, async () => {
      const stored = await readKv(deps, issuer);
      if (stored) {
        const loaded = loadKeys(stored);
        memory.set(issuer.id, loaded);
        return loaded;
      }
      return share(fetching, issuer.id, () => fetchAndStore(deps, issuer));
    });
  }

  async function refetchAllowed(deps: FederatedDeps, issuer: FederatedIssuer): Promise<boolean> {
    const nowMs = deps.now.getTime();
    const recent = (at: number | undefined) => at !== undefined && nowMs - at < REFETCH_INTERVAL_MS && at <= nowMs;
    if (recent(lastRefetchMs.get(issuer.id))) return false;
    // Claimed in memory before any await: concurrent unknown kids in this isolate make one fetch.
    lastRefetchMs.set(issuer.id, nowMs);
    try {
      const other = await deps.kv.get(guardKvKey(issuer.id), "text");
      if (other !== null && recent(Number(other))) {
        lastRefetchMs.set(issuer.id, Number(other));
        return false;
      }
      await deps.kv.put(guardKvKey(issuer.id), String(nowMs), { expirationTtl: GUARD_TTL_SECONDS });
    } catch {
      // KV unavailable: the memory guard still bounds this isolate.
    }
    return true;
  }

  type Refetch = { kind: "throttled" } | { kind: "fetched"; keys: LoadedKeys | null };
  const refetching = new Map<string, Promise<Refetch>>();

  // Shared from its first line: concurrent tokens with a new kid wait for one decision and one fetch.
  function refetchForUnknownKid(deps: FederatedDeps, issuer: FederatedIssuer): Promise<Refetch> {
    const running = refetching.get(issuer.id);
    if (running) return running;
    const promise = (async (): Promise<Refetch> => {
      if (!(await refetchAllowed(deps, issuer))) return { kind: "throttled" };
      return { kind: "fetched", keys: await share(fetching, issuer.id, () => fetchAndStore(deps, issuer)) };
    })().finally(() => refetching.delete(issuer.id));
    refetching.set(issuer.id, promise);
    return promise;
  }

  return {
    async findKey(deps, issuer, header) {
      const keys = await currentKeys(deps, issuer);
      if (!keys) return { kind: "keys_unavailable" };
      const key = await keys.select(header);
      if (key) return { kind: "key", key };
      const refetched = await refetchForUnknownKid(deps, issuer);
      if (refetched.kind === "throttled") return { kind: "unknown_key" };
      if (!refetched.keys) return { kind: "keys_unavailable" };
      const rotated = await refetched.keys.select(header);
      return rotated ? { kind: "key", key: rotated } : { kind: "unknown_key" };
    },
  };
}
