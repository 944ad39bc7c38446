// Discovery documents and key sets: fetched with the provider rules, cached per isolate and in KV.
import type { JSONWebKeySet } from "jose";
import * as oauth from "oauth4webapi";
import { z } from "zod";
import { sha256Hex } from "../../../crypto/bytes.ts";
import type { ProviderDeps } from "./types.ts";

const ISOLATE_TTL_MS = 5 * 60_000;
const DISCOVERY_KV_TTL_SECONDS = 3600;
const JWKS_KV_TTL_SECONDS = 600;
const ISOLATE_MAX_ENTRIES = 64;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_JWKS_BYTES = 64 * 1024;

const isolateCache = new Map<string, { value: unknown; expiresAtMs: number }>();

/** The provider could not be reached (connection, DNS, timeout): never the provider's own answer. */
export class ProviderUnreachableError extends Error {
  override name = "ProviderUnreachableError";
}

function fetchOrUnreachable(deps: ProviderDeps): typeof fetch {
  return async (input, init) => {
    try {
      return await (deps.fetch ?? fetch)(input, init);
    } catch (cause) {
      throw new ProviderUnreachableError("provider unreachable", { cause });
    }
  };
}

/** The options every oauth4webapi request takes: our fetch, a timeout, http only outside production. */
export function requestOptions(deps: ProviderDeps) {
  return {
    [oauth.customFetch]: fetchOrUnreachable(deps),
    [oauth.allowInsecureRequests]: deps.environment !== "production",
    signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  };
}

/** Our fetch with a timeout; plain http only outside production (config already limits it to loopback). */
export function fetchFromProvider(url: string, init: RequestInit, deps: ProviderDeps): Promise<Response> {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && !(deps.environment !== "production" && parsed.protocol === "http:")) {
    return Promise.reject(new TypeError("refused a non-https provider URL"));
  }
  return fetchOrUnreachable(deps)(parsed.href, {
    ...init,
    redirect: "manual",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

async function readCached<T>(
  key: string,
  ttlSeconds: number,
  deps: ProviderDeps,
  load: () => Promise<T>,
  options: { fresh?: boolean } = {},
): Promise<T> {
  const nowMs = deps.now.getTime();
  if (!options.fresh) {
    const hit = isolateCache.get(key);
    if (hit && hit.expiresAtMs > nowMs) return hit.value as T;
    const stored = await deps.kv.get<T>(key, "json").catch(() => null);
    if (stored !== null) {
      rememberInIsolate(key, stored, nowMs);
      return stored;
    }
  }
  const value = await load();
  rememberInIsolate(key, value, nowMs);
  // A cache that cannot be written costs a fetch next time, not this sign-in.
  await deps.kv.put(key, JSON.stringify(value), { expirationTtl: ttlSeconds }).catch(() => undefined);
  return value;
}

function rememberInIsolate(key: string, value: unknown, nowMs: number): void {
  if (isolateCache.size >= ISOLATE_MAX_ENTRIES) isolateCache.delete(isolateCache.keys().next().value as string);
  isolateCache.set(key, { value, expiresAtMs: nowMs + ISOLATE_TTL_MS });
}

/**
 * The provider's metadata from `discoveryBase` + /.well-known/openid-configuration, whose `issuer` must
 * equal `expectedIssuer` (Microsoft's multi-tenant documents publish the `{tenantid}` template).
 */
export async function discoverAuthorizationServer(
  discoveryBase: string,
  expectedIssuer: string,
  deps: ProviderDeps,
): Promise<oauth.AuthorizationServer> {
  const key = `oauth:discovery:${await sha256Hex(`${discoveryBase}\n${expectedIssuer}`)}`;
  return readCached(key, DISCOVERY_KV_TTL_SECONDS, deps, async () => {
    const response = await oauth.discoveryRequest(new URL(discoveryBase), {
      ...requestOptions(deps),
      algorithm: "oidc",
    });
    const server = await oauth.processDiscoveryResponse(new URL(expectedIssuer), response);
    if (!server.authorization_endpoint || !server.token_endpoint || !server.jwks_uri) {
      throw new oauth.OperationProcessingError("discovery document lacks an endpoint", {
        code: oauth.MISSING_SERVER_METADATA,
      });
    }
    return server;
  });
}

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(100) });

/** The key set at `jwksUri`; `fresh` skips the caches (a key id we do not know yet: rotation). */
export function loadKeySet(jwksUri: string, deps: ProviderDeps, options: { fresh?: boolean } = {}) {
  return sha256Hex(jwksUri).then((hash) =>
    readCached(
      `oauth:jwks:${hash}`,
      JWKS_KV_TTL_SECONDS,
      deps,
      async () => {
        const response = await fetchFromProvider(jwksUri, { headers: { accept: "application/json" } }, deps);
        const text = await response.text();
        if (response.status !== 200 || text.length > MAX_JWKS_BYTES) throw new TypeError("key set unavailable");
        return jwksSchema.parse(JSON.parse(text)) as JSONWebKeySet;
      },
      options,
    ),
  );
}
