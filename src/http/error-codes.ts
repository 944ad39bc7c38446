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
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
