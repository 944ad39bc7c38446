// Each preset's claim rules, applied after the signature, issuer, audience and lifetime have passed,
// and the mapping of the verified claims to an ExternalProfile.
import type { JWTPayload } from "jose";
import { STANDARD_PROFILE_CLAIMS } from "../claim-names.ts";
import type { ExternalProfile, ProfileClaims } from "../external-profile.ts";
import type { FederatedIssuer } from "./issuers.ts";

export type FederatedRefusal =
  | "unknown_issuer"
  | "malformed"
  | "invalid_signature"
  | "algorithm_not_allowed"
  | "wrong_audience"
  | "expired"
  | "not_yet_valid"
  | "wrong_token_use"
  | "anonymous_not_allowed"
  | "keys_unavailable"
  | "invalid_claims";

export const CLOCK_TOLERANCE_SECONDS = 60;
const MAX_SUBJECT_LENGTH = 255;
// Firebase: "must be a non-empty string … the uid of the user" (uids are at most 128 characters).
const MAX_FIREBASE_UID_LENGTH = 128;
const MAX_CLAIM_LENGTH = 2048;
const PROFILE_CLAIMS = STANDARD_PROFILE_CLAIMS;

type Checked = { ok: true; profile: ExternalProfile } | { ok: false; reason: FederatedRefusal };

const shortString = (value: unknown): string | null =>
  typeof value === "string" && value.length > 0 && value.length <= MAX_CLAIM_LENGTH ? value : null;

// OIDC Core §3.1.3.7: with several audiences `azp` must be there, and when present it is the client.
function isAuthorizedParty(issuer: FederatedIssuer, payload: JWTPayload): boolean {
  const azp = payload.azp;
  if (azp === undefined) return !(Array.isArray(payload.aud) && payload.aud.length > 1);
  if (typeof azp !== "string" || !issuer.audiences.includes(azp)) return false;
  return Array.isArray(payload.aud) ? payload.aud.includes(azp) : payload.aud === azp;
}

// Only the provider's own "yes": true, or the string "true" where the provider documents a string.
function isEmailVerified(issuer: FederatedIssuer, value: unknown): boolean {
  return value === true || (issuer.type === "cognito" && value === "true");
}

function tokenUseRefusal(issuer: FederatedIssuer, payload: JWTPayload): FederatedRefusal | null {
  // Cognito: ID tokens say token_use "id"; access tokens say "access" (and carry no aud).
  if (issuer.type === "cognito" && payload.token_use !== "id") return "wrong_token_use";
  // Okta: access tokens carry scopes (`scp`); ID tokens never do.
  if (issuer.type === "okta" && payload.scp !== undefined) return "wrong_token_use";
  return null;
}

function metadataOf(issuer: FederatedIssuer, payload: JWTPayload): ProfileClaims {
  const metadata: ProfileClaims = {};
  const put = (name: string, value: unknown) => {
    const text = shortString(value);
    if (text !== null) metadata[name] = text;
  };
  if (issuer.type === "firebase") {
    const firebase = (payload.firebase ?? {}) as Record<string, unknown>;
    put("sign_in_provider", firebase.sign_in_provider);
    put("tenant", firebase.tenant);
  }
  if (issuer.type === "cognito") put("cognito:username", payload["cognito:username"]);
  if (issuer.type === "okta") put("idp", payload.idp);
  return metadata;
}

function checkFirebaseClaims(
  issuer: FederatedIssuer,
  payload: JWTPayload,
  nowSeconds: number,
): FederatedRefusal | null {
  // Firebase's checklist: sub is the uid (≤128 chars), auth_time lies in the past.
  if (typeof payload.sub !== "string" || payload.sub.length > MAX_FIREBASE_UID_LENGTH) return "invalid_claims";
  if (payload.user_id !== undefined && payload.user_id !== payload.sub) return "invalid_claims";
  const authTime = payload.auth_time;
  if (typeof authTime !== "number" || authTime > nowSeconds + CLOCK_TOLERANCE_SECONDS) return "invalid_claims";
  const firebase = payload.firebase;
  if (typeof firebase !== "object" || firebase === null) return "invalid_claims";
  const provider = (firebase as Record<string, unknown>).sign_in_provider;
  if (provider === "anonymous" && !issuer.allowAnonymous) return "anonymous_not_allowed";
  return null;
}

/** Applies `issuer`'s preset rules to claims whose signature and lifetime jose has verified. */
export function checkVerifiedClaims(issuer: FederatedIssuer, payload: JWTPayload, now: Date): Checked {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const refuse = (reason: FederatedRefusal): Checked => ({ ok: false, reason });
  if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > MAX_SUBJECT_LENGTH) {
    return refuse("invalid_claims");
  }
  if (typeof payload.iat !== "number" || payload.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS)
    return refuse("not_yet_valid");
  const tokenUse = tokenUseRefusal(issuer, payload);
  if (tokenUse) return refuse(tokenUse);
  if (!isAuthorizedParty(issuer, payload)) return refuse("wrong_audience");
  if (issuer.type === "firebase") {
    const firebase = checkFirebaseClaims(issuer, payload, nowSeconds);
    if (firebase) return refuse(firebase);
  }
  const email = typeof payload.email === "string" && payload.email.length <= 320 ? payload.email : null;
  const profile: ProfileClaims = {};
  for (const claim of PROFILE_CLAIMS) {
    const value = shortString(payload[claim]);
    if (value !== null) profile[claim] = value;
  }
  return {
    ok: true,
    profile: {
      providerId: issuer.id,
      providerType: issuer.type,
      issuer: issuer.issuer,
      subject: payload.sub,
      email,
      emailVerified: email !== null && isEmailVerified(issuer, payload.email_verified),
      name: shortString(payload.name),
      profile,
      metadata: metadataOf(issuer, payload),
      legacyId: issuer.type === "firebase" ? payload.sub : null,
    },
  };
}
