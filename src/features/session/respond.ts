// Hands new tokens to the client: cookies for browsers, a JSON body for API clients.
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { setAccessTokenCookie, setSessionCookies } from "../../http/cookies.ts";
import { presentedAccessToken } from "./middleware.ts";
import { reissueAccessToken } from "./reissue.ts";
import type { IssuedTokens, SessionDeps } from "./service.ts";

export type ClientKind = "browser" | "api";

const secondsUntil = (date: Date, now: Date) => Math.max(0, Math.floor((date.getTime() - now.getTime()) / 1000));

/** The session part of a response body; tokens appear in it only for API clients. */
export function deliverTokens(c: Context<AppEnv>, tokens: IssuedTokens, client: ClientKind, now: Date) {
  c.header("Cache-Control", "no-store");
  const session = { id: tokens.sessionId, accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString() };
  if (client === "api") {
    return {
      ...session,
      accessToken: tokens.accessToken,
      tokenType: "Bearer",
      refreshToken: tokens.refreshToken,
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt.toISOString(),
    };
  }
  setSessionCookies(c, {
    accessToken: tokens.accessToken,
    accessTokenTtlSeconds: secondsUntil(tokens.accessTokenExpiresAt, now),
    refreshToken: tokens.refreshToken,
    refreshTokenTtlSeconds: secondsUntil(tokens.refreshTokenExpiresAt, now),
  });
  return session;
}

/**
 * A new access token for the same session (after a step-up): Bearer clients get it in the body
 * fields returned here, browsers as their access cookie.
 */
export function deliverAccessToken(
  c: Context<AppEnv>,
  token: { accessToken: string; accessTokenExpiresAt: Date },
  now: Date,
): { accessToken?: string; tokenType?: "Bearer" } {
  c.header("Cache-Control", "no-store");
  if (presentedAccessToken(c)?.source === "bearer") return { accessToken: token.accessToken, tokenType: "Bearer" };
  setAccessTokenCookie(c, token.accessToken, secondsUntil(token.accessTokenExpiresAt, now));
  return {};
}

/**
 * After a change the caller's access token carries (e.g. the profile claims), a new token for the
 * caller's session, delivered as `deliverAccessToken` does; null when the session has ended meanwhile.
 */
export async function reissueCallerToken(
  c: Context<AppEnv>,
  deps: SessionDeps,
  session: { sessionId: string; userId: string },
): Promise<{ accessTokenExpiresAt: string; accessToken?: string; tokenType?: "Bearer" } | null> {
  const token = await reissueAccessToken(deps, session);
  if (!token) return null;
  return { accessTokenExpiresAt: token.accessTokenExpiresAt.toISOString(), ...deliverAccessToken(c, token, deps.now) };
}
