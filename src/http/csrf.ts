// Cross-site request forgery guard for cookie-authenticated unsafe requests: the browser must say
// the request comes from our own origin (Origin, or Sec-Fetch-Site) or from an allowlisted one.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env.ts";
import { AppError } from "./app-error.ts";
import { hasSessionCookie } from "./cookies.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** True for methods that may change state (everything but GET, HEAD and OPTIONS). */
export const isUnsafeMethod = (method: string) => !SAFE_METHODS.has(method.toUpperCase());

/** Throws 403 `csrf_rejected` unless the request provably comes from an allowed origin. */
export function assertSameOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header("origin");
  // Chromium sends `Origin: null` on a form POST from a page whose Referrer-Policy is no-referrer (every
  // hosted page's): it names no origin, so Fetch Metadata decides, as when Origin is absent.
  if (origin !== undefined && origin !== "null") {
    const own = new URL(c.req.url).origin;
    if (origin === own || c.var.config.trustedOrigins.includes(origin)) return;
    throw new AppError("csrf_rejected");
  }
  // Browsers that omit Origin still send Fetch Metadata; with neither, we cannot tell, so refuse.
  if (c.req.header("sec-fetch-site") === "same-origin") return;
  throw new AppError("csrf_rejected");
}

/**
 * Applies the check to every unsafe request that carries a session cookie, even one that also sends
 * a bearer token: routes may fall back to the cookie, and API clients never hold our cookies.
 */
export function csrfProtection() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (isUnsafeMethod(c.req.method) && hasSessionCookie(c)) assertSameOrigin(c);
    await next();
  });
}
