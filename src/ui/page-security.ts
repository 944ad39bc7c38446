// Headers and per-request state for every hosted page: a fresh CSP nonce, a strict policy, no framing,
// no referrer, no caching (pages show and take codes and tokens), and HTML error pages.
import { encodeBase64 } from "@oslojs/encoding";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/app-env.ts";
import { pendingSetCookies } from "../http/response-headers.ts";
import { renderErrorPage } from "./error-page.tsx";

/** The Content-Security-Policy for a page whose scripts carry `nonce`. */
export function contentSecurityPolicy(nonce: string, logoUrl: string | undefined): string {
  const logoOrigin = logoUrl?.startsWith("https://") ? ` ${new URL(logoUrl).origin}` : "";
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    `img-src 'self' data:${logoOrigin}`,
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

function newNonce(): string {
  return encodeBase64(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Middleware for page routes: nonce, security headers, queued cookies, errors rendered as pages — or, for
 * a page's JSON route (`errors: "json"`, what the passkey script calls), the API's JSON errors.
 */
export function pageSecurity(options: { errors: "page" | "json" } = { errors: "page" }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const nonce = newNonce();
    c.set("cspNonce", nonce);
    if (options.errors === "page") c.set("renderErrorPage", (error) => renderErrorPage(c, error));
    await next();
    applyPageHeaders(c, nonce);
  });
}

const cookieName = (setCookie: string) => setCookie.slice(0, setCookie.indexOf("=")).trim();

/** Names of the cookies a response sets (workerd has Headers#getSetCookie; the types lag). */
function setCookieNames(headers: Headers): string[] {
  return (headers as unknown as { getSetCookie(): string[] }).getSetCookie().map(cookieName);
}

function applyPageHeaders(c: Context<AppEnv>, nonce: string): void {
  const headers = c.res.headers;
  headers.set("Content-Security-Policy", contentSecurityPolicy(nonce, c.var.config.brand.logoUrl));
  headers.set("X-Frame-Options", "DENY");
  headers.set("Referrer-Policy", "no-referrer");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cache-Control", "no-store");
  headers.set("Vary", "Accept-Language, Cookie");
  // Cookies a refresh at the edge rotated must reach the browser (M2), error pages included: the error
  // handler leaves them to this middleware when it renders a page. A cookie the page itself set after
  // that refresh (an upgraded access token, a sign-out's deletion) is newer and wins (review F1).
  const setByPage = new Set(setCookieNames(headers));
  for (const cookie of pendingSetCookies(c)) {
    if (!setByPage.has(cookieName(cookie))) headers.append("Set-Cookie", cookie);
  }
}
