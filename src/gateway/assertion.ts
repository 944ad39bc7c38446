// The gateway assertion: a short-lived ES256 JWT proving to one origin who is calling, bound to the
// request's method and path (like DPoP's htm/htu), verifiable against /.well-known/jwks.json.
import { ASSERTION_TYPE, MAX_ASSERTION_LIFETIME_SECONDS, type OriginIdentity } from "@portcullis/origin";
import { SignJWT } from "jose";
import { generateRandomToken } from "../crypto/bytes.ts";
import { SIGNING_ALGORITHM, type SigningKeys } from "../crypto/signing-keys.ts";

// The contract's constants come from the origin kit, so both sides can never disagree.
export { ASSERTION_TYPE } from "@portcullis/origin";
/** Long enough for clock skew and a slow origin, short enough that a leaked one is soon useless. */
export const ASSERTION_TTL_SECONDS = Math.min(30, MAX_ASSERTION_LIFETIME_SECONDS);

/** Who the assertion speaks for: the origin's identity, before the token's own times and id exist. */
export type AssertionIdentity = Omit<OriginIdentity, "issuedAt" | "expiresAt" | "assertionId">;

/** Signs an assertion for `audience` (the route's origin id) about one request. */
export function signAssertion(
  keys: SigningKeys,
  identity: AssertionIdentity,
  request: { method: string; path: string },
  options: { issuer: string; audience: string; nowSeconds: number },
): Promise<string> {
  return new SignJWT({
    sid: identity.sessionId,
    email: identity.email,
    email_verified: identity.emailVerified,
    roles: identity.roles,
    ...(identity.tenant ? { tenant: identity.tenant } : {}),
    ...(identity.tenantSlug ? { tenant_slug: identity.tenantSlug } : {}),
    amr: identity.amr,
    // Profile claims, only for routes that ask for them (OIDC's names for the same things).
    ...(identity.name === undefined ? {} : { name: identity.name }),
    ...(identity.username === undefined ? {} : { preferred_username: identity.username }),
    // Which policy the gateway applied and how the caller authenticated (H2, M4).
    route: identity.route,
    auth_src: identity.authSource,
    ...(identity.onboarding ? { onboarding: identity.onboarding } : {}),
    htm: request.method.toUpperCase(),
    htp: request.path,
  })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: ASSERTION_TYPE, kid: keys.currentKid })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(identity.userId)
    .setIssuedAt(options.nowSeconds)
    .setExpirationTime(options.nowSeconds + ASSERTION_TTL_SECONDS)
    .setJti(generateRandomToken(16))
    .sign(keys.signingKey);
}
