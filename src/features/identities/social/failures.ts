// Short, value-free reasons for logs: what failed, never a token, code or the provider's own text.
import { errors as joseErrors } from "jose";
import * as oauth from "oauth4webapi";
import { ProviderUnreachableError } from "./metadata.ts";

// An OAuth error code as the provider sent it, only when it looks like one (RFC 6749 charset).
export function oauthErrorCode(value: unknown): string {
  return typeof value === "string" && /^[a-z0-9_.-]{1,64}$/i.test(value) ? value : "unrecognized_error";
}

/** Why `stage` failed. oauth4webapi's messages are fixed texts, so they are safe to keep. */
export function describeFailure(stage: string, error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `${stage}: provider answered ${oauthErrorCode(error.error)}`;
  if (error instanceof oauth.AuthorizationResponseError) {
    return `${stage}: provider answered ${oauthErrorCode(error.error)}`;
  }
  if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError) {
    return `${stage}: ${error.message}`;
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `${stage}: ${error.code} (${error.claim})`;
  if (error instanceof joseErrors.JOSEError) return `${stage}: ${error.code}`;
  if (error instanceof ProviderUnreachableError || (error instanceof DOMException && error.name === "TimeoutError")) {
    return `${stage}: provider unreachable`;
  }
  return `${stage}: unexpected error`;
}
