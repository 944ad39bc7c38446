// Verifies an ID token an app already holds against the configured federated issuers: the issuer by
// its exact `iss`, the key by `kid` from the cached keys, then the pinned algorithm, iss, aud and times.
import { decodeJwt, decodeProtectedHeader, errors, type JWSHeaderParameters, type JWTPayload, jwtVerify } from "jose";
import type { ExternalProfile } from "../external-profile.ts";
import { CLOCK_TOLERANCE_SECONDS, checkVerifiedClaims, type FederatedRefusal } from "./claims.ts";
import type { FederatedIssuer } from "./issuers.ts";
import { createKeyCache, type KeyCache } from "./key-cache.ts";
import type { FederatedDeps } from "./key-fetch.ts";

export type FederatedVerification =
  | { kind: "profile"; profile: ExternalProfile; issuer: FederatedIssuer }
  | { kind: "invalid"; reason: FederatedRefusal };

// Far above any real ID token; bounds the work a garbage token can cause.
const MAX_TOKEN_LENGTH = 16 * 1024;
const ACCESS_TOKEN_TYPES = new Set(["at+jwt", "application/at+jwt"]);

const defaultKeyCache = createKeyCache();

function decodeUnverified(token: string): { header: JWSHeaderParameters; payload: JWTPayload } | null {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return null;
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch {
    return null;
  }
}

/** The configured issuer whose `iss` is exactly the (unverified) token's, or null. */
export function findIssuerOfToken(issuers: FederatedIssuer[], token: string): FederatedIssuer | null {
  const iss = decodeUnverified(token)?.payload.iss;
  return typeof iss === "string" ? (issuers.find((issuer) => issuer.issuer === iss) ?? null) : null;
}

function refusalOf(error: unknown, issuer: FederatedIssuer): FederatedRefusal {
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm_not_allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "invalid_signature";
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    // jose checks claims only after the signature, so this payload is the issuer's own.
    if (issuer.type === "cognito" && error.payload.token_use !== "id") return "wrong_token_use";
    if (error.claim === "aud") return "wrong_audience";
    if (error.claim === "nbf") return "not_yet_valid";
    return "invalid_claims";
  }
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return "malformed";
  // A key that cannot check this alg (e.g. an EC key under an RS alg).
  return "invalid_signature";
}

/** verifyFederatedIdToken with a given key cache (a second cache plays another isolate in tests). */
export async function verifyFederatedIdTokenWith(
  cache: KeyCache,
  deps: FederatedDeps,
  issuers: FederatedIssuer[],
  token: string,
): Promise<FederatedVerification> {
  const invalid = (reason: FederatedRefusal): FederatedVerification => ({ kind: "invalid", reason });
  const decoded = decodeUnverified(token);
  if (!decoded) return invalid("malformed");
  const issuer = findIssuerOfToken(issuers, token);
  if (!issuer) return invalid("unknown_issuer");
  // Before any key is looked up: `none`, HS256 with a public key as the secret, or another asymmetric alg.
  if (typeof decoded.header.alg !== "string" || !issuer.algorithms.includes(decoded.header.alg)) {
    return invalid("algorithm_not_allowed");
  }
  if (typeof decoded.header.typ === "string" && ACCESS_TOKEN_TYPES.has(decoded.header.typ.toLowerCase())) {
    return invalid("wrong_token_use");
  }
  const lookup = await cache.findKey(deps, issuer, decoded.header);
  if (lookup.kind === "keys_unavailable") return invalid("keys_unavailable");
  if (lookup.kind === "unknown_key") return invalid("invalid_signature");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, lookup.key, {
      algorithms: issuer.algorithms,
      issuer: issuer.issuer,
      audience: issuer.audiences,
      requiredClaims: ["sub", "iat", "exp"],
      currentDate: deps.now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    return invalid(refusalOf(error, issuer));
  }
  const checked = checkVerifiedClaims(issuer, payload, deps.now);
  return checked.ok ? { kind: "profile", profile: checked.profile, issuer } : invalid(checked.reason);
}

/**
 * Verifies a federated ID token and returns the profile it proves, or why it was refused. Never
 * throws for bad tokens or unreachable keys, and never logs the token.
 */
export function verifyFederatedIdToken(
  deps: FederatedDeps,
  issuers: FederatedIssuer[],
  token: string,
): Promise<FederatedVerification> {
  return verifyFederatedIdTokenWith(defaultKeyCache, deps, issuers, token);
}
