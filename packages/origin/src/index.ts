// @portcullis/origin: verify the gateway's per-request assertion in the service behind it.
export {
  ASSERTION_ALGORITHM,
  ASSERTION_ERROR_MESSAGES,
  ASSERTION_HEADER,
  ASSERTION_TYPE,
  type AssertionError,
  type AssertionRequest,
  type AssertionVerifier,
  type AssertionVerifierOptions,
  createAssertionVerifier,
  DEFAULT_ASSERTION_VERIFIER_OPTIONS,
  MAX_ASSERTION_LIFETIME_SECONDS,
  type OnboardingStatus,
  type OriginIdentity,
  type VerifyResult,
} from "./assertion.ts";
export { type OriginMiddlewareOptions, type Refusal, type RefusalBody, refusalFor } from "./refusal.ts";
export { createReplayCache, type ReplayCache } from "./replay-cache.ts";
