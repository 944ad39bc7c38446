// Access tokens: short-lived ES256 JWTs (`typ: at+jwt`), verified with pinned algorithm, type, issuer and audience.
import { errors, jwtVerify, SignJWT } from "jose";
import { generateRandomToken } from "./bytes.ts";
import { SIGNING_ALGORITHM, type SigningKeys } from "./signing-keys.ts";

export const ACCESS_TOKEN_TYPE = "at+jwt";

export type AccessTokenClaims = {
  sub: string;
  email: string;
  emailVerified: boolean;
  sid: string;
  amr: string[];
  /** Unix seconds of the last full authentication. */
  authTime: number;
  /** The active tenant's membership roles plus platform roles (empty while MFA enrollment is required). */
  roles: string[];
  /** The active tenant's id and slug (`tenant`, `tenant_slug`). */
  tenant?: string;
  tenantSlug?: string;
  /** `mep`: the user's membership epoch when issued; the edge refuses a token behind the KV marker. */
  membershipEpoch: number;
  /** `mfa_enroll`: the session may only enroll a second factor (REQUIRE_MFA_ROLES). */
  mfaEnrollmentRequired?: boolean;
  /** `onb`: the user has completed onboarding (issue 15); the gateway reads it instead of the database. */
  onboardingComplete?: boolean;
  /** `name`, `preferred_username`: the profile, for the gateway's profile routes (issue 15). */
  name?: string;
  username?: string;
};

export type VerifiedAccessToken = AccessTokenClaims & { iat: number; exp: number; jti: string };

export type AccessTokenOptions = { issuer: string; audience: string };

/** Signs an access token with the current key, valid for `ttlSeconds` from `nowSeconds`. */
export async function signAccessToken(
  keys: SigningKeys,
  claims: AccessTokenClaims,
  options: AccessTokenOptions & { nowSeconds: number; ttlSeconds: number },
): Promise<string> {
  const payload: Record<string, unknown> = {
    sid: claims.sid,
    email: claims.email,
    email_verified: claims.emailVerified,
    amr: claims.amr,
    auth_time: claims.authTime,
    roles: claims.roles,
    mep: claims.membershipEpoch,
  };
  if (claims.tenant) payload.tenant = claims.tenant;
  if (claims.tenantSlug) payload.tenant_slug = claims.tenantSlug;
  if (claims.mfaEnrollmentRequired) payload.mfa_enroll = true;
  if (claims.onboardingComplete) payload.onb = 1;
  if (claims.name) payload.name = claims.name;
  if (claims.username) payload.preferred_username = claims.username;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: keys.currentKid })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(claims.sub)
    .setIssuedAt(options.nowSeconds)
    .setExpirationTime(options.nowSeconds + options.ttlSeconds)
    .setJti(generateRandomToken(16))
    .sign(keys.signingKey);
}

export type AccessTokenFailure = "expired" | "invalid";

/**
 * Verifies `token`; only an allowlisted `kid` selects the key, and nothing else in the header is
 * trusted. Returns the claims, or why it was refused.
 */
export async function verifyAccessToken(
  keys: SigningKeys,
  token: string,
  options: AccessTokenOptions & { nowSeconds?: number },
): Promise<{ ok: true; token: VerifiedAccessToken } | { ok: false; reason: AccessTokenFailure }> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? keys.verificationKeys.get(header.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [SIGNING_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ["sub", "sid", "iat", "exp", "jti", "auth_time"],
        ...(options.nowSeconds === undefined ? {} : { currentDate: new Date(options.nowSeconds * 1000) }),
      },
    );
    const {
      sub,
      sid,
      email,
      email_verified,
      amr,
      auth_time,
      roles,
      tenant,
      tenant_slug,
      mep,
      mfa_enroll,
      onb,
      name,
      preferred_username,
      iat,
      exp,
      jti,
    } = payload as Record<string, unknown>;
    if (typeof sub !== "string" || typeof sid !== "string" || typeof auth_time !== "number")
      return { ok: false, reason: "invalid" };
    return {
      ok: true,
      token: {
        sub,
        sid,
        email: typeof email === "string" ? email : "",
        emailVerified: email_verified === true,
        amr: Array.isArray(amr) ? amr.filter((v): v is string => typeof v === "string") : [],
        authTime: auth_time,
        roles: Array.isArray(roles) ? roles.filter((v): v is string => typeof v === "string") : [],
        ...(typeof tenant === "string" ? { tenant } : {}),
        ...(typeof tenant === "string" && typeof tenant_slug === "string" ? { tenantSlug: tenant_slug } : {}),
        membershipEpoch: typeof mep === "number" && Number.isInteger(mep) ? mep : 0,
        ...(mfa_enroll === true ? { mfaEnrollmentRequired: true } : {}),
        ...(onb === 1 ? { onboardingComplete: true } : {}),
        ...(typeof name === "string" ? { name } : {}),
        ...(typeof preferred_username === "string" ? { username: preferred_username } : {}),
        iat: iat as number,
        exp: exp as number,
        jti: jti as string,
      },
    };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? "expired" : "invalid" };
  }
}
