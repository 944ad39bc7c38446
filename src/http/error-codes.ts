// Every error code the API can answer with, its HTTP status and its default message. Codes are stable.

export const ERROR_CODES = {
  not_found: { status: 404, message: "No such route." },
  method_not_allowed: { status: 405, message: "This method is not allowed here." },
  invalid_json: { status: 400, message: "The request body is not valid JSON." },
  invalid_request: { status: 400, message: "The request is invalid." },
  unsupported_media_type: { status: 415, message: "Send the body as application/json." },
  payload_too_large: { status: 413, message: "The request body is too large." },
  configuration_error: { status: 500, message: "The server is misconfigured." },
  internal_error: { status: 500, message: "Something went wrong on our side." },
  service_unavailable: { status: 503, message: "A dependency is unavailable; try again shortly." },
  csrf_rejected: { status: 403, message: "This request did not come from an allowed origin." },
  unauthenticated: { status: 401, message: "Sign in to continue." },
  invalid_credentials: { status: 401, message: "The email or password is incorrect." },
  invalid_refresh_token: { status: 401, message: "The session has ended; sign in again." },
  refresh_token_reused: {
    status: 401,
    message: "This session was ended because a used refresh token was presented again.",
  },
  too_many_attempts: { status: 429, message: "Too many attempts; wait before trying again." },
  account_locked: { status: 423, message: "Too many failed sign-ins; reset your password to unlock this account." },
  account_disabled: { status: 403, message: "This account is disabled." },
  email_not_verified: { status: 403, message: "Verify your email address before signing in." },
  weak_password: { status: 400, message: "Choose a different password." },
  session_not_found: { status: 404, message: "No such session." },
  forbidden: { status: 403, message: "You do not have access to this resource." },
  origin_timeout: { status: 504, message: "The application did not answer in time." },
  origin_unreachable: { status: 502, message: "The application could not be reached." },
  invalid_token: { status: 400, message: "This link has expired or was already used; ask for a new one." },
  invalid_code: { status: 400, message: "The code is wrong or has expired." },
  delivery_failed: { status: 503, message: "We could not send the message; try again in a moment." },
  reauthentication_required: { status: 401, message: "Sign in again to make this change." },
  phone_in_use: { status: 409, message: "This phone number is already verified on another account." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
