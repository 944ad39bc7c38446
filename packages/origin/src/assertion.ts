// Origin side of the gateway contract: verifies the `X-Auth-Assertion` JWT against the gateway's JWKS.
import { createRemoteJWKSet, customFetch, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { type AssertionError, classifyVerificationError, KeySetUnavailable } from "./assertion-errors.ts";
import { createReplayCache } from "./replay-cache.ts";

export { ASSERTION_ERROR_MESSAGES, type AssertionError } from "./assertion-errors.ts";

export const ASSERTION_HEADER = "x-auth-assertion";
export const ASSERTION_TYPE = "portcullis-assertion+jwt";
export const ASSERTION_ALGORITHM = "ES256";
/** The longest lifetime (`exp - iat`) and age an assertion may have, in seconds. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 60;

/** The verified caller, read from the assertion's claims (never from the informational headers). */
export type OriginIdentity = {
  userId: string;
  sessionId: string;
  email: string;
  emailVerified: boolean;
  /** The active tenant's roles plus platform roles: what the route's roles policy was checked against. */
  roles: string[];
  /** The active tenant's id (claim `tenant`); on a tenant route, the tenant the route named. */
  tenant?: string;
  /** The active tenant's slug (claim `tenant_slug`). */
  tenantSlug?: string;
  amr: string[];
  /**
   * Profile claims (`name`, `preferred_username`), only from routes configured with `"profile": true`:
   * undefined when the route does not ask for them, null when the user has none.
   */
  name?: string | null;
  username?: string | null;
  /**
   * The name of the gateway route whose policy was applied (claim `route`). Check it when this origin
   * sits behind several routes with different policies.
   */
  route: string;
  /** How the caller authenticated to the gateway (claim `auth_src`): a session cookie or a Bearer token. */
  authSource: "cookie" | "bearer";
  /**
   * Issue 15: whether the caller has completed onboarding (claim `onboarding`); present only when the
   * gateway has onboarding configured (ONBOARDING_STEPS).
   */
  onboarding?: OnboardingStatus;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds. */
  expiresAt: number;
  /** The assertion's `jti`. */
  assertionId: string;
};

/** What the gateway says of a caller's onboarding (`X-Auth-Onboarding`, claim `onboarding`). */
export type OnboardingStatus = "complete" | "in_progress";
const ONBOARDING_STATUSES: ReadonlySet<unknown> = new Set(["complete", "in_progress"]);

export type VerifyResult = { ok: true; identity: OriginIdentity } | { ok: false; error: AssertionError };

export type AssertionRequest = {
  /** The HTTP method the origin received. */
  method: string;
  /** The request target as received (Node's `req.url`) or a full URL; the query string is ignored. */
  path: string;
  headers: Headers | Record<string, string | string[] | undefined>;
};

export type AssertionVerifierOptions = {
  /** The gateway's `/.well-known/jwks.json`; must be https except on loopback. */
  jwksUrl: string | URL;
  /** The gateway's issuer URL, compared exactly with `iss`. */
  issuer: string;
  /** This origin's id in the gateway's route table, compared exactly with `aud`. */
  audience: string;
  /** @default 5 */
  clockToleranceSeconds?: number;
  /** Remember each `jti` until its assertion expires and refuse a second use. @default true */
  rejectReplays?: boolean;
  /** Upper bound on remembered `jti`s; the oldest is evicted when full. @default 10_000 */
  maxReplayCacheEntries?: number;
  /** Minimum time between JWKS refetches triggered by an unknown `kid`. @default 30 */
  jwksCooldownSeconds?: number;
  /** For tests. */
  fetch?: typeof fetch;
  /** Current time in milliseconds, for tests. @default Date.now */
  now?: () => number;
};

export const DEFAULT_ASSERTION_VERIFIER_OPTIONS = {
  clockToleranceSeconds: 5,
  rejectReplays: true,
  maxReplayCacheEntries: 10_000,
  jwksCooldownSeconds: 30,
} as const;

export type AssertionVerifier = (request: AssertionRequest) => Promise<VerifyResult>;

// Far above any real assertion; refuses oversized input before any parsing.
const MAX_ASSERTION_LENGTH = 8192;
const REQUIRED_CLAIMS = [
  "iss",
  "aud",
  "sub",
  "sid",
  "email",
  "email_verified",
  "iat",
  "exp",
  "jti",
  "htm",
  "htp",
  "route",
  "auth_src",
];
const AUTH_SOURCES: ReadonlySet<unknown> = new Set(["cookie", "bearer"]);
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Checks `options` once and returns `verifyAssertion`, which never throws for a bad request: it
 * resolves to the caller's identity or to the reason the assertion was refused.
 */
export function createAssertionVerifier(options: AssertionVerifierOptions): AssertionVerifier {
  const jwksUrl = parseJwksUrl(options.jwksUrl);
  const issuer = requireNonEmpty(options.issuer, "issuer");
  const audience = requireNonEmpty(options.audience, "audience");
  const defaults = DEFAULT_ASSERTION_VERIFIER_OPTIONS;
  const clockToleranceSeconds = requireSeconds(options.clockToleranceSeconds ?? defaults.clockToleranceSeconds, {
    name: "clockToleranceSeconds",
    maxSeconds: MAX_ASSERTION_LIFETIME_SECONDS,
  });
  const jwksCooldownSeconds = requireSeconds(options.jwksCooldownSeconds ?? defaults.jwksCooldownSeconds, {
    name: "jwksCooldownSeconds",
    maxSeconds: 3600,
  });
  const replayCache =
    (options.rejectReplays ?? defaults.rejectReplays)
      ? createReplayCache(options.maxReplayCacheEntries ?? defaults.maxReplayCacheEntries)
      : undefined;
  const now = options.now ?? Date.now;
  const fetchImpl = options.fetch;

  const remoteKeys = createRemoteJWKSet(jwksUrl, {
    cooldownDuration: jwksCooldownSeconds * 1000,
    ...(fetchImpl ? { [customFetch]: (url: string, init: RequestInit) => fetchImpl(url, init) } : {}),
  });
  // Only a key the gateway publishes under the header's `kid` is used; any failure to obtain the
  // key set is told apart from a key that is not in it.
  const resolveKey: JWTVerifyGetKey = async (header, token) => {
    if (typeof header.kid !== "string" || header.kid === "") throw new errors.JWKSNoMatchingKey();
    try {
      return await remoteKeys(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new KeySetUnavailable();
    }
  };

  return async function verifyAssertion(request) {
    const token = readAssertionHeader(request.headers);
    if (token === undefined) return refuse("missing_assertion");
    if (token.length > MAX_ASSERTION_LENGTH || token.split(".").length !== 3) return refuse("malformed_assertion");

    const nowMilliseconds = now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, resolveKey, {
        algorithms: [ASSERTION_ALGORITHM],
        typ: ASSERTION_TYPE,
        issuer,
        audience,
        requiredClaims: REQUIRED_CLAIMS,
        maxTokenAge: MAX_ASSERTION_LIFETIME_SECONDS,
        clockTolerance: clockToleranceSeconds,
        currentDate: new Date(nowMilliseconds),
      }));
    } catch (error) {
      return refuse(classifyVerificationError(error));
    }

    // An `aud` array naming this origin among others would be a token for several origins.
    if (payload.aud !== audience) return refuse("wrong_audience");
    const identity = readIdentity(payload);
    if (!identity) return refuse("malformed_assertion");
    if (identity.expiresAt - identity.issuedAt > MAX_ASSERTION_LIFETIME_SECONDS) return refuse("lifetime_too_long");
    // Binds the assertion to this one request, so it cannot be replayed against another endpoint.
    if (payload.htm !== request.method.toUpperCase()) return refuse("method_mismatch");
    const path = requestPath(request.path);
    if (path === undefined || payload.htp !== path) return refuse("path_mismatch");
    // Last, so that a refused assertion never takes a place in the cache.
    const remembered = replayCache?.consume(identity.assertionId, {
      expiresAtSeconds: identity.expiresAt + clockToleranceSeconds,
      nowSeconds: Math.floor(nowMilliseconds / 1000),
    });
    if (remembered === false) return refuse("replayed");
    return { ok: true, identity };
  };
}

function refuse(error: AssertionError): VerifyResult {
  return { ok: false, error };
}

function readAssertionHeader(headers: AssertionRequest["headers"]): string | undefined {
  let value: string | string[] | null | undefined;
  if (headers instanceof Headers) value = headers.get(ASSERTION_HEADER);
  else {
    // Every spelling of the name counts: `X-Auth-Assertion` and `x-auth-assertion` are two headers.
    const values = Object.entries(headers)
      .filter(([name, headerValue]) => name.toLowerCase() === ASSERTION_HEADER && headerValue !== undefined)
      .flatMap(([, headerValue]) => headerValue ?? []);
    value = values.length === 0 ? undefined : values;
  }
  // Two assertion headers are ambiguous; joining them yields something that fails to parse.
  const token = (Array.isArray(value) ? value.join(", ") : (value ?? "")).trim();
  return token === "" ? undefined : token;
}

// The scheme and authority of an absolute-form target (`http://host:port`), before its path.
const ABSOLUTE_TARGET_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/** Everything before `?` (the query is not bound). */
function withoutQuery(target: string): string {
  const queryStart = target.indexOf("?");
  return queryStart === -1 ? target : target.slice(0, queryStart);
}

/**
 * The path as the origin received it: everything before `?`. A full URL's path is taken as written,
 * and only when parsing would not change it: WHATWG URL parsing resolves dot segments (`%2e%2e` too)
 * and backslashes, which Express and Fastify do not do when they route an absolute-form target
 * (`GET http://host/admin/%2e%2e/api/items/7`), so a normalized path would let an assertion for one
 * path reach another route. Undefined when the target has no unambiguous path.
 */
function requestPath(target: string): string | undefined {
  if (target.startsWith("/")) return withoutQuery(target);
  const prefix = ABSOLUTE_TARGET_PREFIX.exec(target)?.[0];
  const url = parseUrl(target);
  if (prefix === undefined || !url) return target;
  const written = withoutQuery(target.slice(prefix.length));
  return written === url.pathname ? written : undefined;
}

function readIdentity(payload: JWTPayload): OriginIdentity | undefined {
  const { sub, sid, email, email_verified, roles, tenant, tenant_slug, amr, iat, exp, jti, route, auth_src } = payload;
  const { onboarding } = payload;
  if (onboarding !== undefined && !ONBOARDING_STATUSES.has(onboarding)) return undefined;
  const { name, preferred_username: username } = payload;
  if (typeof sub !== "string" || typeof sid !== "string" || typeof email !== "string") return undefined;
  if (typeof email_verified !== "boolean" || typeof jti !== "string" || jti === "") return undefined;
  if (typeof iat !== "number" || typeof exp !== "number") return undefined;
  if (!isStringArray(roles) || !isStringArray(amr)) return undefined;
  if (tenant !== undefined && typeof tenant !== "string") return undefined;
  if (tenant_slug !== undefined && typeof tenant_slug !== "string") return undefined;
  if (typeof route !== "string" || route === "" || !AUTH_SOURCES.has(auth_src)) return undefined;
  if (!isOptionalNullableString(name) || !isOptionalNullableString(username)) return undefined;
  return {
    userId: sub,
    sessionId: sid,
    email,
    emailVerified: email_verified,
    roles,
    ...(tenant === undefined ? {} : { tenant }),
    ...(tenant_slug === undefined ? {} : { tenantSlug: tenant_slug }),
    amr,
    ...(name === undefined ? {} : { name }),
    ...(username === undefined ? {} : { username }),
    route,
    authSource: auth_src as OriginIdentity["authSource"],
    ...(onboarding === undefined ? {} : { onboarding: onboarding as OnboardingStatus }),
    issuedAt: iat,
    expiresAt: exp,
    assertionId: jti,
  };
}

function isOptionalNullableString(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === "string";
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function parseJwksUrl(value: string | URL): URL {
  const url = value instanceof URL ? value : parseUrl(value);
  if (!url) throw new TypeError("jwksUrl must be an absolute URL");
  // Over plain http anyone on the path could substitute their own keys.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)))
    throw new TypeError("jwksUrl must use https (http is allowed only on localhost)");
  return url;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function requireNonEmpty(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function requireSeconds(value: number, { name, maxSeconds }: { name: string; maxSeconds: number }): number {
  if (!Number.isFinite(value) || value < 0 || value > maxSeconds)
    throw new TypeError(`${name} must be a number of seconds between 0 and ${maxSeconds}`);
  return value;
}
