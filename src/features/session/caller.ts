// Who is calling from a browser or API client: a valid access token (Bearer or cookie), or — when the
// cookie's access token has expired — a transparent refresh with the refresh cookie, done at the edge
// (the gateway and the hosted pages both use it).
import type { Context } from "hono";
import { verifyAccessToken } from "../../crypto/access-token.ts";
import { loadSigningKeys } from "../../crypto/signing-keys.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { clearedSessionCookieHeaders, readRefreshTokenCookie, sessionCookieHeaders } from "../../http/cookies.ts";
import { queueSetCookies } from "../../http/response-headers.ts";
import { type AuthSource, checkAccessToken, presentedAccessToken, sessionFromClaims } from "./middleware.ts";
import { refreshSession } from "./service.ts";

/** The caller's session and how it authenticated (the assertion's `auth_src`). */
export type GatewayCaller = { session: AuthenticatedSession; source: AuthSource };

const secondsUntil = (date: Date, now: Date) => Math.max(0, Math.floor((date.getTime() - now.getTime()) / 1000));

/** How the request would authenticate, before anything is verified or refreshed. */
export function presentedAuthSource(c: Context<AppEnv>): AuthSource | undefined {
  return presentedAccessToken(c)?.source ?? (readRefreshTokenCookie(c) === undefined ? undefined : "cookie");
}

/**
 * Concurrent requests from one page that all carry the same expired access token each refresh with
 * the same refresh token; the overlap window hands them the same successor, so none is taken for reuse.
 * The new cookies are queued on the context, so every response that follows carries them (M2).
 */
async function refreshAtTheEdge(c: Context<AppEnv>, refreshToken: string): Promise<GatewayCaller | undefined> {
  const deps = await authDependencies(c);
  const result = await refreshSession(deps, refreshToken, await clientInfo(c));
  if (result.kind !== "ok") {
    queueSetCookies(c, clearedSessionCookieHeaders(c));
    return undefined;
  }
  const { tokens } = result;
  queueSetCookies(
    c,
    sessionCookieHeaders(c, {
      accessToken: tokens.accessToken,
      accessTokenTtlSeconds: secondsUntil(tokens.accessTokenExpiresAt, deps.now),
      refreshToken: tokens.refreshToken,
      refreshTokenTtlSeconds: secondsUntil(tokens.refreshTokenExpiresAt, deps.now),
    }),
  );
  const config = c.var.config;
  const verified = await verifyAccessToken(await loadSigningKeys(config.signingKeySet), tokens.accessToken, {
    issuer: config.issuer,
    audience: config.audience,
  });
  return verified.ok ? { session: sessionFromClaims(verified.token), source: "cookie" } : undefined;
}

/** The verified caller, refreshing a browser's expired access cookie; undefined when there is none. */
export async function resolveGatewayCaller(c: Context<AppEnv>): Promise<GatewayCaller | undefined> {
  const presented = presentedAccessToken(c);
  if (presented) {
    const check = await checkAccessToken(c.var.config, presented.token);
    if (check.kind === "ok") return { session: check.session, source: presented.source };
    // A bearer client refreshes itself; only a browser's cookie session is refreshed here.
    if (presented.source === "bearer" || check.kind === "revoked") return undefined;
  }
  const refreshToken = readRefreshTokenCookie(c);
  if (!refreshToken) return undefined;
  return refreshAtTheEdge(c, refreshToken);
}
