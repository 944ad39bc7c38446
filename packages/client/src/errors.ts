// The gateway's one error shape as a typed error: `code` is one of the codes the OpenAPI document lists.
import type { ErrorCode } from "./schema.ts";

export type { ErrorCode };

/** `{"error": {...}}`, the body of every error answer of the API. */
export type ErrorBody = {
  error: {
    code: string;
    message: string;
    fields?: { path: string; message: string }[];
    requestId?: string;
  };
};

/** Codes that end a session on refresh: the client drops its tokens and never retries. */
export type SessionEndedCode = Extract<ErrorCode, "refresh_token_reused" | "invalid_refresh_token">;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** True when `value` has the one error shape. */
export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    isRecord(value) &&
    isRecord(value.error) &&
    typeof value.error.code === "string" &&
    typeof value.error.message === "string"
  );
}

/** An error answer of the API. `code` narrows to the documented codes; `invalid_response` is the client's own. */
export class PortcullisError extends Error {
  override name = "PortcullisError";
  readonly code: ErrorCode | "invalid_response";
  readonly status: number;
  /** invalid_request names the failing fields (never their values). */
  readonly fields: ErrorBody["error"]["fields"];
  /** Internal errors carry the request id to quote to the operator. */
  readonly requestId: string | undefined;

  constructor(status: number, error: ErrorBody["error"]) {
    super(error.message);
    this.code = error.code as ErrorCode;
    this.status = status;
    this.fields = error.fields;
    this.requestId = error.requestId;
  }
}

/**
 * The refresh token was refused: reuse was detected (the server revoked the session) or the session
 * ended. The client has dropped its tokens; sign in again.
 */
export class SessionEndedError extends PortcullisError {
  override name = "SessionEndedError";
  declare readonly code: SessionEndedCode;
}

/** Reads `response` (a clone: the caller keeps the body) as the one error shape. */
export async function readError(response: Response): Promise<PortcullisError> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  if (isErrorBody(body)) return new PortcullisError(response.status, body.error);
  return new PortcullisError(response.status, {
    code: "invalid_response",
    message: `Unexpected answer (HTTP ${response.status}) without the API's error shape.`,
  });
}

export const isSessionEndedCode = (code: string): code is SessionEndedCode =>
  code === "refresh_token_reused" || code === "invalid_refresh_token";
