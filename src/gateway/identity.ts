// Who is calling through the gateway: a valid access token (Bearer or cookie), or — when the cookie's
// access token has expired — a transparent refresh with the refresh cookie, done at the edge.
import type { Context } from "hono";
import { verifyAccessToken } from "../crypto/access-token.ts";
import { loadSigningKeys } from "../crypto/signing-keys.ts";
import { checkAccessToken, presentedAccessToken, sessionFromClaims } from "../features/session/middleware.ts";
import { refreshSession } from "../features/session/service.ts";
import type { AppEnv, AuthenticatedSession } from "../http/app-env.ts";
import { authDependencies, clientInfo } from "../http/auth-context.ts";
import { clearedSessionCookieHeaders, readRefreshTokenCookie, sessionCookieHeaders } from "../http/cookies.ts";

export type GatewayIdentity = {
  session: AuthenticatedSession | undefined;
  /** Set-Cookie values the client must receive with the response (rotated or cleared cookies). */
  setCookies: string[];
};

const secondsUntil = (date: Date, now: Date) => Math.max(0, Math.floor((date.getTime() - now.getTime()) / 1000));

/**
 * Concurrent requests from one page that all carry the same expired access token each refresh with
 * the same refresh token; the overlap window hands them the same successor, so none is taken for reuse.
 */
async function refreshAtTheEdge(c: Context<AppEnv>, refreshToken: string): Promise<GatewayIdentity> {
  const deps = await authDependencies(c);
  const result = await refreshSession(deps, refreshToken, await clientInfo(c));
  if (result.kind !== "ok") return { session: undefined, setCookies: clearedSessionCookieHeaders(c) };
  const { tokens } = result;
  const config = c.var.config;
  const verified = await verifyAccessToken(await loadSigningKeys(config.signingKeySet), tokens.accessToken, {
    issuer: config.issuer,
    audience: config.audience,
  });
  if (!verified.ok) return { session: undefined, setCookies: clearedSessionCookieHeaders(c) };
  return {
    session: sessionFromClaims(verified.token),
    setCookies: sessionCookieHeaders(c, {
      accessToken: tokens.accessToken,
      accessTokenTtlSeconds: secondsUntil(tokens.accessTokenExpiresAt, deps.now),
      refreshToken: tokens.refreshToken,
      refreshTokenTtlSeconds: secondsUntil(tokens.refreshTokenExpiresAt, deps.now),
    }),
  };
}

export async function resolveGatewayIdentity(c: Context<AppEnv>): Promise<GatewayIdentity> {
  const presented = presentedAccessToken(c);
  if (presented) {
    const check = await checkAccessToken(c.var.config, presented.token);
    if (check.kind === "ok") return { session: check.session, setCookies: [] };
    // A bearer client refreshes itself; only a browser's cookie session is refreshed here.
    if (presented.source === "bearer" || check.kind === "revoked") return { session: undefined, setCookies: [] };
  }
  const refreshToken = readRefreshTokenCookie(c);
  if (!refreshToken) return { session: undefined, setCookies: [] };
  return refreshAtTheEdge(c, refreshToken);
}
