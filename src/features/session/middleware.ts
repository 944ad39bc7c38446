// requireSession(): verifies the access token at the edge (Web Crypto + KV markers), never Postgres.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { verifyAccessToken } from "../../crypto/access-token.ts";
import { loadSigningKeys } from "../../crypto/signing-keys.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { readAccessTokenCookie } from "../../http/cookies.ts";
import { readRevocation } from "../../kv/revocation.ts";

function bearerToken(c: Context<AppEnv>): string | undefined {
  const header = c.req.header("authorization");
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/.exec(header);
  return match?.[1] ?? "";
}

function unauthenticated(c: Context<AppEnv>, error?: "invalid_token"): never {
  c.header("WWW-Authenticate", error ? `Bearer error="${error}"` : "Bearer");
  throw new AppError("unauthenticated");
}

/** Verifies the request's access token (Bearer header first, then the cookie) and its revocation state. */
export async function authenticate(c: Context<AppEnv>): Promise<AuthenticatedSession | undefined> {
  const token = bearerToken(c) ?? readAccessTokenCookie(c);
  if (token === undefined) return undefined;
  const config = c.var.config;
  const verified = await verifyAccessToken(await loadSigningKeys(config.signingKeySet), token, {
    issuer: config.issuer,
    audience: config.audience,
  });
  if (!verified.ok) return unauthenticated(c, "invalid_token");
  const claims = verified.token;
  let state: Awaited<ReturnType<typeof readRevocation>>;
  try {
    state = await readRevocation(config.kv, { sessionId: claims.sid, userId: claims.sub, issuedAtSeconds: claims.iat });
  } catch (cause) {
    // Fail closed: without the revocation check we cannot know the session is still valid.
    throw new AppError("service_unavailable", { cause });
  }
  if (state === "revoked") return unauthenticated(c, "invalid_token");
  return {
    userId: claims.sub,
    sessionId: claims.sid,
    amr: claims.amr,
    authTime: claims.authTime,
    roles: claims.roles,
    issuedAt: claims.iat,
    expiresAt: claims.exp,
  };
}

/** Hono middleware: 401 (with WWW-Authenticate) unless a valid, unrevoked access token is presented. */
export function requireSession() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const session = await authenticate(c);
    if (!session) return unauthenticated(c);
    c.set("session", session);
    await next();
  });
}
