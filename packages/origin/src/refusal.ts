// What the framework middlewares share: one verifier per middleware, and the answer to a refused request.
import {
  ASSERTION_ERROR_MESSAGES,
  type AssertionError,
  type AssertionVerifier,
  type AssertionVerifierOptions,
  createAssertionVerifier,
} from "./assertion.ts";

/** The verifier's options, or a verifier made once with `createAssertionVerifier` and shared. */
export type OriginMiddlewareOptions = AssertionVerifierOptions | { verifier: AssertionVerifier };

/** The JSON body of a refusal, in the gateway's own error shape. */
export type RefusalBody = { error: { code: AssertionError; message: string } };

export type Refusal = {
  /** 401 for every refused assertion; 503 when the gateway's keys could not be fetched. */
  status: 401 | 503;
  headers: Record<string, string>;
  body: RefusalBody;
};

// A refusal must not be cached by a proxy in between, nor shown to the next caller.
const REFUSAL_HEADERS = { "cache-control": "no-store" };

/** The verifier a middleware uses: the one given, or a new one made (and its options checked) now. */
export function verifierFrom(options: OriginMiddlewareOptions): AssertionVerifier {
  return "verifier" in options ? options.verifier : createAssertionVerifier(options);
}

/**
 * The answer to a request whose assertion was refused. An outage of the gateway's JWKS is the
 * operator's to fix, not a reason to send the caller to sign in again: 503 rather than 401.
 */
export function refusalFor(error: AssertionError): Refusal {
  return {
    status: error === "jwks_unavailable" ? 503 : 401,
    headers: { ...REFUSAL_HEADERS },
    body: { error: { code: error, message: ASSERTION_ERROR_MESSAGES[error] } },
  };
}
