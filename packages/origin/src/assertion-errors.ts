// Why an assertion was refused: the error codes, their messages, and how jose's errors map onto them.
import { errors } from "jose";

export type AssertionError =
  | "missing_assertion"
  | "malformed_assertion"
  | "invalid_signature"
  | "unknown_key"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "wrong_audience"
  | "wrong_type"
  | "method_mismatch"
  | "path_mismatch"
  | "lifetime_too_long"
  | "replayed"
  | "jwks_unavailable";

/** What each error means; safe to log or return, as none of them embeds the token. */
export const ASSERTION_ERROR_MESSAGES: Record<AssertionError, string> = {
  missing_assertion: "The request carries no gateway assertion.",
  malformed_assertion: "The assertion is not a well-formed gateway assertion.",
  invalid_signature: "The assertion's algorithm or signature is not acceptable.",
  unknown_key: "The assertion is signed with a key the gateway does not publish.",
  expired: "The assertion has expired.",
  not_yet_valid: "The assertion is issued in the future.",
  wrong_issuer: "The assertion was issued by another gateway.",
  wrong_audience: "The assertion is meant for another origin.",
  wrong_type: "The token is not a gateway assertion.",
  method_mismatch: "The assertion was issued for another HTTP method.",
  path_mismatch: "The assertion was issued for another path.",
  lifetime_too_long: "The assertion's lifetime exceeds the allowed maximum.",
  replayed: "The assertion has already been used.",
  jwks_unavailable: "The gateway's signing keys could not be fetched.",
};

/** Thrown by the key resolver when the JWKS cannot be fetched or parsed; never leaves the verifier. */
export class KeySetUnavailable extends Error {}

/** Maps an error thrown by `jwtVerify` (or the key resolver) to the reason the assertion is refused. */
export function classifyVerificationError(error: unknown): AssertionError {
  if (error instanceof KeySetUnavailable) return "jwks_unavailable";
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return "unknown_key";
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JWSSignatureVerificationFailed)
    return "invalid_signature";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "typ") return "wrong_type";
    if (error.claim === "iss") return "wrong_issuer";
    if (error.claim === "aud") return "wrong_audience";
    if (error.claim === "nbf" || (error.claim === "iat" && error.reason === "check_failed")) return "not_yet_valid";
  }
  // JWSInvalid, JWTInvalid, a missing or mistyped claim, an undecodable key: not a valid assertion.
  return "malformed_assertion";
}
