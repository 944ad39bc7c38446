// One place that renders every failure as {"error":{"code","message"}} with the right status.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../config/index.ts";
import { EdgeRevocationError } from "../kv/revocation.ts";
import type { AppEnv } from "./app-env.ts";
import { AppError } from "./app-error.ts";
import { logger } from "./logger.ts";
import { REQUEST_ID_HEADER } from "./request-id.ts";
import { pendingSetCookies } from "./response-headers.ts";

function render(c: Context<AppEnv>, error: AppError, extra: Record<string, unknown> = {}) {
  const page = c.get("renderErrorPage");
  if (page) return page(error);
  const requestId = c.get("requestId");
  if (requestId) c.header(REQUEST_ID_HEADER, requestId);
  // Cookies rotated at the edge before the error must still reach the browser (M2).
  for (const cookie of pendingSetCookies(c)) c.header("Set-Cookie", cookie, { append: true });
  const body = {
    error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}), ...extra },
  };
  return c.json(body, error.status);
}

export const handleNotFound: NotFoundHandler<AppEnv> = (c) => render(c, new AppError("not_found"));

/** Known errors keep their code; anything else becomes a 500 whose body holds only the request id. */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof AppError) return render(c, error);
  const requestId = c.get("requestId");
  if (error instanceof ConfigError) {
    // The message names variables, never their values, so it is safe to show the operator.
    logger.error("configuration invalid", { requestId, detail: error.message });
    return render(c, new AppError("configuration_error", { message: error.message }), { requestId });
  }
  if (error instanceof EdgeRevocationError) {
    // The database already holds the revocation; the client should retry so the edge learns it too.
    logger.error("edge revocation failed", { requestId });
    return render(c, new AppError("service_unavailable"), { requestId });
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = error.status === 404 ? "not_found" : error.status === 413 ? "payload_too_large" : "invalid_request";
    return render(c, new AppError(code));
  }
  logger.error("unhandled error", {
    requestId,
    errorName: error.name,
    detail: error.message,
    path: new URL(c.req.url).pathname,
  });
  return render(c, new AppError("internal_error"), { requestId });
};
