// The one error type routes throw; the error handler renders it as {"error":{"code","message"}}.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ERROR_CODES, type ErrorCode } from "./error-codes.ts";

export type FieldIssue = { path: string; message: string };

export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  /** Failing fields for `invalid_request`; never holds submitted values. */
  readonly fields: FieldIssue[] | undefined;

  constructor(code: ErrorCode, options: { message?: string; fields?: FieldIssue[]; cause?: unknown } = {}) {
    super(options.message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.code = code;
    this.status = ERROR_CODES[code].status as ContentfulStatusCode;
    this.fields = options.fields;
  }
}
