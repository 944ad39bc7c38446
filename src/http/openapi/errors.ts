// The documented errors of an operation: codes from error-codes.ts grouped by their status, each status
// answering the one error shape with `code` limited to the codes listed.
import { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "../error-codes.ts";

/** Errors any route can answer with: a fault on our side, bad configuration, a dependency down. */
export const ALWAYS_POSSIBLE_ERRORS = ["internal_error", "configuration_error", "service_unavailable"] as const;
/** A JSON body read by readJsonBody (src/http/body.ts) can be refused with these. */
export const JSON_BODY_ERRORS = ["invalid_json", "invalid_request", "unsupported_media_type"] as const;
/** limitBodySize() on /auth/* and /admin/* (src/app.ts). */
export const BODY_LIMIT_ERRORS = ["payload_too_large"] as const;
/** csrfProtection() on unsafe cookie-authenticated requests under /auth/* and /admin/* (src/app.ts). */
export const CSRF_ERRORS = ["csrf_rejected"] as const;
/** requireSession() (src/features/session/middleware.ts). */
export const SESSION_ERRORS = ["unauthenticated", "mfa_enrollment_required"] as const;

/** The one error shape with `code` limited to `codes`. */
export function errorBodySchema(codes: readonly [ErrorCode, ...ErrorCode[]]) {
  return z
    .object({
      error: z.object({
        code: z.enum(codes),
        message: z.string(),
        /** invalid_request names the failing fields (never their values). */
        fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
        /** Internal errors carry the request id to quote to the operator. */
        requestId: z.string().optional(),
      }),
    })
    .meta({ description: "The one error shape of the API." });
}

/** `codes`, without duplicates, grouped by their HTTP status (ascending). */
export function groupErrorCodesByStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...new Set(codes)]) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

/** The OpenAPI responses of `codes`: one per status, the codes of that status as an enum. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, object> {
  const responses: Record<string, object> = {};
  for (const [status, group] of groupErrorCodesByStatus(codes)) {
    const [first, ...rest] = group;
    if (!first) continue;
    const schema = z.toJSONSchema(errorBodySchema([first, ...rest]), { target: "draft-2020-12", io: "input" });
    delete schema.$schema;
    responses[String(status)] = {
      description: group.map((code) => `\`${code}\`: ${ERROR_CODES[code].message}`).join("\n\n"),
      content: { "application/json": { schema } },
    };
  }
  return responses;
}
