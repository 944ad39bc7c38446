// requireSession(): verifies the access token at the edge (Web Crypto + KV markers), never Postgres.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Config } from "../../config/index.ts";
import { type VerifiedAccessToken, verifyAccessToken } from "../../crypto/access-token.ts";
import { loadSigningKeys } from "../../crypto/signing-keys.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { gatewayBearerToken, ourTokens } from "../../http/bearer.ts";
import { readAccessTokenCookie } from "../../http/cookies.ts";
import { readRevocation } from "../../kv/revocation.ts";
import { assertUsableDuringEnrollment } from "./enrollment.ts";
import { STEP_UP_ERRORS, type StepUpPolicy, stepUpChallenge, stepUpShortfall } from "./step-up.ts";

/** "stale": valid, but issued before the user's memberships or roles last changed (refresh for a new one). */
export type TokenCheck =
  | { kind: "ok"; session: AuthenticatedSession }
  | { kind: "expired" | "invalid" | "revoked" | "stale" };

/** How the caller presented its access token; the assertion's `auth_src`. */
export type AuthSource = "bearer" | "cookie";

/**
 * The request's access token and where it came from. A Bearer access token of ours (by its header:
 * our alg and kid, our iss) wins over the cookie; any other Authorization value (Basic, an app's own
 * token, another IdP's at+jwt) is the app's and is ignored here. So is a combined value
 * (`Basic x, Bearer <ours>`, two fields joined): it is not one credential, the cookie decides, and
 * the gateway strips the whole header (sanitize.ts) so our token never reaches an origin.
 */
export function presentedAccessToken(c: Context<AppEnv>): { token: string; source: AuthSource } | undefined {
  const bearer = gatewayBearerToken(c.req.header("authorization"), ourTokens(c.var.config));
  if (bearer !== undefined) return { token: bearer, source: "bearer" };
  const cookie = readAccessTokenCookie(c);
  return cookie === undefined ? undefined : { token: cookie, source: "cookie" };
}

/**
 * Verifies an access token (pinned ES256, typ, iss, aud; allowlisted kid) and its revocation markers.
 * Throws 503 when KV cannot be read: without the check the token's validity is unknown (fail closed).
 */
export async function checkAccessToken(config: Config, token: string): Promise<TokenCheck> {
  const verified = await verifyAccessToken(await loadSigningKeys(config.signingKeySet), token, {
    issuer: config.issuer,
    audience: config.audience,
  });
  if (!verified.ok) return { kind: verified.reason };
  const claims = verified.token;
  let state: Awaited<ReturnType<typeof readRevocation>>;
  try {
    state = await readRevocation(config.kv, {
      sessionId: claims.sid,
      userId: claims.sub,
      issuedAtSeconds: claims.iat,
      membershipEpoch: claims.membershipEpoch,
    });
  } catch (cause) {
    throw new AppError("service_unavailable", { cause });
  }
  if (state !== "active") return { kind: state };
  return { kind: "ok", session: sessionFromClaims(claims) };
}

/** What routes see of a verified access token. */
export function sessionFromClaims(claims: VerifiedAccessToken): AuthenticatedSession {
  return {
    userId: claims.sub,
    sessionId: claims.sid,
    email: claims.email,
    emailVerified: claims.emailVerified,
    amr: claims.amr,
    authTime: claims.authTime,
    roles: claims.roles,
    ...(claims.tenant ? { tenant: claims.tenant } : {}),
    ...(claims.tenantSlug ? { tenantSlug: claims.tenantSlug } : {}),
    membershipEpoch: claims.membershipEpoch,
    mfaEnrollmentRequired: claims.mfaEnrollmentRequired === true,
    onboardingComplete: claims.onboardingComplete === true,
    name: claims.name ?? null,
    username: claims.username ?? null,
    issuedAt: claims.iat,
    expiresAt: claims.exp,
  };
}

function unauthenticated(c: Context<AppEnv>, error?: "invalid_token"): never {
  c.header("WWW-Authenticate", error ? `Bearer error="${error}"` : "Bearer");
  throw new AppError("unauthenticated");
}

/** The verified session of the request, undefined when no token is presented; 401 for a bad one. */
export async function authenticate(c: Context<AppEnv>): Promise<AuthenticatedSession | undefined> {
  const presented = presentedAccessToken(c);
  if (!presented) return undefined;
  const check = await checkAccessToken(c.var.config, presented.token);
  if (check.kind !== "ok") return unauthenticated(c, "invalid_token");
  return check.session;
}

/**
 * Hono middleware: 401 (with WWW-Authenticate) unless a valid, unrevoked access token is presented;
 * 403 `mfa_enrollment_required` when the session must first enroll a second factor and this route is
 * not one of those it may use meanwhile (enrollment.ts).
 */
export function requireSession() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const session = await authenticate(c);
    if (!session) return unauthenticated(c);
    assertUsableDuringEnrollment(session, { method: c.req.method, path: new URL(c.req.url).pathname });
    c.set("session", session);
    await next();
  });
}

/**
 * After requireSession(): 401 `reauthentication_required` or `second_factor_required` (with an
 * RFC 9470 challenge) unless the session's last full sign-in is recent enough and proved the listed
 * methods. The caller answers with POST /auth/reauthenticate. `maxAgeSeconds` defaults to
 * REAUTH_MAX_AGE_SECONDS.
 */
export function requireStepUp(policy: StepUpPolicy = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const effective = { maxAgeSeconds: policy.maxAgeSeconds ?? c.var.config.reauthMaxAgeSeconds, amr: policy.amr };
    const shortfall = stepUpShortfall(c.var.session, effective, Math.floor(Date.now() / 1000));
    if (shortfall) {
      c.header("WWW-Authenticate", stepUpChallenge(effective));
      throw new AppError(STEP_UP_ERRORS[shortfall]);
    }
    await next();
  });
}

/** requireStepUp() with its defaults: a recent sign-in, for changes a stolen session must not make. */
export const requireRecentAuthentication = () => requireStepUp();
