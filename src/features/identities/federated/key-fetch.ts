// Fetches an issuer's published keys (a JWKS, Firebase's kid → X.509 map, or a JWKS found through OIDC
// discovery), bounded in time and size, with the cache lifetime its Cache-Control header allows.
import { z } from "zod";
import { type FederatedIssuer, isAllowedKeyUrl } from "./issuers.ts";

export type FederatedDeps = {
  kv: KVNamespace;
  now: Date;
  environment: "development" | "test" | "production";
  fetch?: typeof fetch;
};

/** The keys as fetched, kept in KV and memory: a JWKS, or Firebase's certificates by kid. */
export type FetchedKeys = {
  /** The configured URL they came from: a changed entry never reads another URL's cache. */
  source: string;
  fetchedAtMs: number;
  ttlSeconds: number;
} & (
  | { format: "jwks"; jwks: { keys: Record<string, unknown>[] } }
  | { format: "x509"; certificates: Record<string, string> }
);

export const KEY_TTL_BOUNDS_SECONDS = { min: 300, max: 86_400, fallback: 3600 } as const;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 256 * 1024;
const MAX_KEYS = 100;

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(MAX_KEYS) });
const certificatesSchema = z
  .record(z.string().min(1).max(256), z.string().max(16_384).startsWith("-----BEGIN CERTIFICATE-----"))
  .refine((map) => Object.keys(map).length <= MAX_KEYS);
const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.string() });

/** Seconds from `max-age`, within KEY_TTL_BOUNDS_SECONDS (the low bound also covers no-store / no-cache). */
export function keyTtlFromCacheControl(header: string | null): number {
  if (header === null) return KEY_TTL_BOUNDS_SECONDS.fallback;
  const maxAge = /(?:^|[,\s])max-age=(\d{1,10})/i.exec(header)?.[1];
  const seconds = /no-store|no-cache/i.test(header) ? 0 : maxAge ? Number(maxAge) : KEY_TTL_BOUNDS_SECONDS.fallback;
  return Math.min(KEY_TTL_BOUNDS_SECONDS.max, Math.max(KEY_TTL_BOUNDS_SECONDS.min, seconds));
}

type JsonResult = { ok: true; body: unknown; ttlSeconds: number } | { ok: false };

async function fetchJson(deps: FederatedDeps, url: string): Promise<JsonResult> {
  try {
    // No redirects: a key URL is configured exactly, and a redirect could leave https.
    const response = await (deps.fetch ?? fetch)(url, {
      headers: { accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { ok: false };
    }
    if (Number(response.headers.get("content-length") ?? 0) > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      return { ok: false };
    }
    const text = await response.text();
    if (text.length > MAX_RESPONSE_BYTES) return { ok: false };
    return {
      ok: true,
      body: JSON.parse(text) as unknown,
      ttlSeconds: keyTtlFromCacheControl(response.headers.get("cache-control")),
    };
  } catch {
    return { ok: false };
  }
}

/** The issuer's keys now, or null when they cannot be had (network, status, shape). Never throws. */
export async function fetchIssuerKeys(deps: FederatedDeps, issuer: FederatedIssuer): Promise<FetchedKeys | null> {
  const base = { source: issuer.keys.url, fetchedAtMs: deps.now.getTime() };
  let jwksUrl = issuer.keys.url;
  if (issuer.keys.format === "discovery") {
    const discovery = await fetchJson(deps, issuer.keys.url);
    const parsed = discovery.ok ? discoverySchema.safeParse(discovery.body) : null;
    // OIDC Discovery 1.0 §4.3: the document's issuer must be exactly the one configured.
    if (!parsed?.success || parsed.data.issuer !== issuer.issuer) return null;
    if (!isAllowedKeyUrl(parsed.data.jwks_uri, deps.environment)) return null;
    jwksUrl = parsed.data.jwks_uri;
  }
  const fetched = await fetchJson(deps, jwksUrl);
  if (!fetched.ok) return null;
  if (issuer.keys.format === "x509") {
    const certificates = certificatesSchema.safeParse(fetched.body);
    return certificates.success
      ? { ...base, ttlSeconds: fetched.ttlSeconds, format: "x509", certificates: certificates.data }
      : null;
  }
  const jwks = jwksSchema.safeParse(fetched.body);
  return jwks.success ? { ...base, ttlSeconds: fetched.ttlSeconds, format: "jwks", jwks: jwks.data } : null;
}

/** Reads a KV copy back (it may come from an older deployment: checked, never trusted blindly). */
export function parseStoredKeys(text: string): FetchedKeys | null {
  try {
    const value = JSON.parse(text) as FetchedKeys;
    if (
      typeof value.source !== "string" ||
      typeof value.fetchedAtMs !== "number" ||
      typeof value.ttlSeconds !== "number"
    ) {
      return null;
    }
    if (value.format === "jwks" && jwksSchema.safeParse(value.jwks).success) return value;
    if (value.format === "x509" && certificatesSchema.safeParse(value.certificates).success) return value;
    return null;
  } catch {
    return null;
  }
}
