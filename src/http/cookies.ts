// The session cookies: __Host- prefixed, HttpOnly, Secure, SameSite=Lax, Path=/ — except on
// http://localhost in development, where browsers refuse Secure cookies and the prefix needs Secure.
import type { Context } from "hono";
import { deleteCookie, generateCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import type { AppEnv } from "./app-env.ts";
import { readCookieValue } from "./cookie-header.ts";

const ACCESS = "portcullis_at";
const REFRESH = "portcullis_rt";

function isInsecureLocalDevelopment(c: Context<AppEnv>): boolean {
  if (c.var.config.environment !== "development") return false;
  const url = new URL(c.req.url);
  return url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1");
}

/** Hono adds "__Host-" to the name (and enforces Secure, Path=/, no Domain) when the prefix is "host". */
function cookieOptions(c: Context<AppEnv>): CookieOptions {
  if (isInsecureLocalDevelopment(c)) return { httpOnly: true, secure: false, sameSite: "Lax", path: "/" };
  return { httpOnly: true, secure: true, sameSite: "Lax", path: "/", prefix: "host" };
}

const nameFor = (c: Context<AppEnv>, name: string) => (isInsecureLocalDevelopment(c) ? name : `__Host-${name}`);

export type SessionCookieValues = {
  accessToken: string;
  accessTokenTtlSeconds: number;
  refreshToken: string;
  refreshTokenTtlSeconds: number;
};

/**
 * The hosted pages' flow cookies. None may outlive a sign-in or a sign-out: on a shared browser the next
 * person would be shown the last address typed, or handed the last user's pending challenge (review F2, F3).
 */
export const FLOW_COOKIES = {
  mfaChallenge: "portcullis_mfa",
  verifyAddress: "portcullis_verify",
  /** Binds a social sign-in's state to the browser that started it. */
  oauthBrowser: "portcullis_oauth",
} as const;

/**
 * The pending identity link (a social sign-in whose email has an account): it must outlive the sign-in
 * that proves the account, so only a sign-out clears it; it links only to the account it names.
 */
export const IDENTITY_LINK_COOKIE = "portcullis_link";

/** Deletes every flow cookie the request carries. */
export function clearFlowCookies(c: Context<AppEnv>): void {
  for (const name of Object.values(FLOW_COOKIES)) {
    if (readFlowCookie(c, name) !== undefined) deleteCookie(c, name, cookieOptions(c));
  }
}

export function setSessionCookies(c: Context<AppEnv>, values: SessionCookieValues): void {
  clearFlowCookies(c);
  const options = cookieOptions(c);
  setCookie(c, ACCESS, values.accessToken, { ...options, maxAge: values.accessTokenTtlSeconds });
  setCookie(c, REFRESH, values.refreshToken, { ...options, maxAge: values.refreshTokenTtlSeconds });
}

/** Replaces only the access cookie (after step-up: same session, fresher auth_time). */
export function setAccessTokenCookie(c: Context<AppEnv>, accessToken: string, ttlSeconds: number): void {
  setCookie(c, ACCESS, accessToken, { ...cookieOptions(c), maxAge: ttlSeconds });
}

/** `cookies` (Set-Cookie values) without the access cookie, for a response that sets a newer one. */
export function withoutAccessCookie(c: Context<AppEnv>, cookies: readonly string[]): string[] {
  const prefix = `${nameFor(c, ACCESS)}=`;
  return cookies.filter((cookie) => !cookie.startsWith(prefix));
}

/** The Set-Cookie values for a new pair, for responses built outside Hono's context (proxied ones). */
export function sessionCookieHeaders(c: Context<AppEnv>, values: SessionCookieValues): string[] {
  const options = cookieOptions(c);
  return [
    generateCookie(ACCESS, values.accessToken, { ...options, maxAge: values.accessTokenTtlSeconds }),
    generateCookie(REFRESH, values.refreshToken, { ...options, maxAge: values.refreshTokenTtlSeconds }),
  ];
}

/** The Set-Cookie value for a new access cookie alone, for responses built outside Hono's context. */
export function accessCookieHeader(c: Context<AppEnv>, accessToken: string, ttlSeconds: number): string {
  return generateCookie(ACCESS, accessToken, { ...cookieOptions(c), maxAge: ttlSeconds });
}

/** The Set-Cookie values that delete both session cookies. */
export function clearedSessionCookieHeaders(c: Context<AppEnv>): string[] {
  const options = cookieOptions(c);
  return [ACCESS, REFRESH].map((name) => generateCookie(name, "", { ...options, maxAge: 0 }));
}

export function clearSessionCookies(c: Context<AppEnv>): void {
  clearFlowCookies(c);
  if (readFlowCookie(c, IDENTITY_LINK_COOKIE) !== undefined) deleteCookie(c, IDENTITY_LINK_COOKIE, cookieOptions(c));
  const options = cookieOptions(c);
  deleteCookie(c, ACCESS, options);
  deleteCookie(c, REFRESH, options);
}

// Read with the parser the gateway strips with: a name sent with whitespace around it is not ours.
export function readAccessTokenCookie(c: Context<AppEnv>): string | undefined {
  return readCookieValue(c.req.header("cookie"), nameFor(c, ACCESS));
}

export function readRefreshTokenCookie(c: Context<AppEnv>): string | undefined {
  return readCookieValue(c.req.header("cookie"), nameFor(c, REFRESH));
}

/** True when the request carries either session cookie (so it is cookie-authenticated). */
export function hasSessionCookie(c: Context<AppEnv>): boolean {
  return readAccessTokenCookie(c) !== undefined || readRefreshTokenCookie(c) !== undefined;
}

/**
 * Short-lived cookies that carry one step of a hosted-page flow (the sign-in's second-factor
 * challenge): same attributes as the session cookies, so they are as hard to plant or read.
 */
export function setFlowCookie(c: Context<AppEnv>, name: string, value: string, ttlSeconds: number): void {
  setCookie(c, name, value, { ...cookieOptions(c), maxAge: ttlSeconds });
}

/**
 * A flow cookie that must come back on a cross-site POST (Apple's form_post callback): SameSite=None,
 * which needs Secure; on plain-http local development, where that is impossible, Lax as elsewhere.
 */
export function setCrossSiteFlowCookie(c: Context<AppEnv>, name: string, value: string, ttlSeconds: number): void {
  const options = cookieOptions(c);
  setCookie(c, name, value, { ...options, ...(options.secure ? { sameSite: "None" } : {}), maxAge: ttlSeconds });
}

export function readFlowCookie(c: Context<AppEnv>, name: string): string | undefined {
  return readCookieValue(c.req.header("cookie"), nameFor(c, name));
}

export function clearFlowCookie(c: Context<AppEnv>, name: string): void {
  deleteCookie(c, name, cookieOptions(c));
}
