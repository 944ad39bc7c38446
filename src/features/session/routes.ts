// Session routes: refresh, logout, the current session, and listing or revoking the user's sessions.
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { clearSessionCookies, readRefreshTokenCookie } from "../../http/cookies.ts";
import { describe, describeSessionRoute } from "../../http/openapi/describe.ts";
import { logOut } from "./log-out.ts";
import { authenticate, requireSession } from "./middleware.ts";
import { listActiveSessions } from "./repository.ts";
import { deliverTokens } from "./respond.ts";
import { revokeOtherSessions, revokeOwnSession } from "./revoke.ts";
import {
  LogoutBody,
  RefreshBody,
  RefreshResponse,
  RevokeOthersResponse,
  SessionIdParam,
  SessionIdParams,
  SessionListResponse,
  SessionResponse,
  VerifyResponse,
} from "./schemas.ts";
import { refreshSession } from "./service.ts";
import { readSessionView } from "./session-view.ts";

const NO_CONTENT = { description: "Done; no body." };

const doc = {
  refresh: describe({
    operationId: "refreshSession",
    tag: "session",
    summary: "Rotate the refresh token: a new access and refresh token for the same session",
    description:
      "API clients send the refresh token in the body and get the new tokens in it; browsers send the refresh cookie (with no body or `{}`) and get new cookies.",
    body: RefreshBody,
    bodyRequired: false,
    responses: { 200: RefreshResponse },
    errors: ["invalid_refresh_token", "refresh_token_reused"],
  }),
  logout: describe({
    operationId: "logOut",
    tag: "session",
    summary: "End the session of the access token or refresh token presented, and clear the cookies",
    body: LogoutBody,
    bodyRequired: false,
    responses: { 204: NO_CONTENT },
  }),
  verify: describeSessionRoute({
    operationId: "verifySession",
    tag: "session",
    summary: "Check the access token at the edge (no database) and return its claims",
    responses: { 200: VerifyResponse },
  }),
  session: describeSessionRoute({
    operationId: "getSession",
    tag: "session",
    summary: "The signed-in user, the session and the user's tenant memberships",
    responses: { 200: SessionResponse },
  }),
  sessions: describeSessionRoute({
    operationId: "listSessions",
    tag: "session",
    summary: "The user's active sessions (devices)",
    responses: { 200: SessionListResponse },
  }),
  revoke: describeSessionRoute({
    operationId: "revokeSession",
    tag: "session",
    summary: "End one of the user's sessions (the current one clears the cookies)",
    params: SessionIdParams,
    responses: { 204: NO_CONTENT },
    errors: ["invalid_request", "session_not_found"],
  }),
  revokeOthers: describeSessionRoute({
    operationId: "revokeOtherSessions",
    tag: "session",
    summary: "End every session of the user but the current one",
    responses: { 200: RevokeOthersResponse },
  }),
};

const hasBody = (contentLength: string | undefined, contentType: string | undefined) =>
  contentType !== undefined || (contentLength !== undefined && contentLength !== "0");

export const sessionRoutes = new Hono<AppEnv>()
  .post("/auth/refresh", doc.refresh, async (c) => {
    // API clients send the refresh token in the body; browsers send the cookie (with or without `{}`).
    const fromBody = hasBody(c.req.header("content-length"), c.req.header("content-type"))
      ? (await readJsonBody(c, RefreshBody)).refreshToken
      : undefined;
    const token = fromBody ?? readRefreshTokenCookie(c);
    if (!token) throw new AppError("invalid_refresh_token");
    const deps = await authDependencies(c);
    const result = await refreshSession(deps, token, await clientInfo(c));
    if (result.kind !== "ok") {
      if (!fromBody) clearSessionCookies(c);
      throw new AppError(result.kind === "reused" ? "refresh_token_reused" : "invalid_refresh_token");
    }
    return c.json({ session: deliverTokens(c, result.tokens, fromBody ? "api" : "browser", deps.now) });
  })
  .post("/auth/logout", doc.logout, async (c) => {
    const body = hasBody(c.req.header("content-length"), c.req.header("content-type"))
      ? await readJsonBody(c, LogoutBody)
      : {};
    const deps = await authDependencies(c);
    // An expired access token must not stop a logout, so the refresh token is accepted too.
    const current = await authenticate(c).catch(() => undefined);
    clearSessionCookies(c);
    await logOut(deps, {
      current,
      refreshToken: body.refreshToken ?? readRefreshTokenCookie(c),
      client: await clientInfo(c),
    });
    return c.body(null, 204);
  })
  // The edge check alone (no database): for forward-auth proxies and apps that want the claims.
  .get("/auth/verify", doc.verify, requireSession(), (c) => {
    const current = c.var.session;
    c.header("Cache-Control", "no-store");
    return c.json({
      userId: current.userId,
      sessionId: current.sessionId,
      amr: current.amr,
      roles: current.roles,
      authTime: new Date(current.authTime * 1000).toISOString(),
      expiresAt: new Date(current.expiresAt * 1000).toISOString(),
    });
  })
  .get("/auth/session", doc.session, requireSession(), async (c) => {
    const current = c.var.session;
    const deps = await authDependencies(c);
    const view = await readSessionView(deps.db, { userId: current.userId, sessionId: current.sessionId });
    if (!view) throw new AppError("unauthenticated");
    const { user, memberships, unreadNotifications } = view;
    const active = memberships.find((membership) => membership.active);
    c.header("Cache-Control", "no-store");
    return c.json({
      user: { ...user, createdAt: user.createdAt.toISOString() },
      session: {
        id: current.sessionId,
        amr: current.amr,
        authTime: new Date(current.authTime * 1000).toISOString(),
        accessTokenExpiresAt: new Date(current.expiresAt * 1000).toISOString(),
        // True while the user's role requires a second factor the session has not enrolled yet.
        mfaEnrollmentRequired: current.mfaEnrollmentRequired,
      },
      memberships: memberships.map(({ tenant, roles, status }) => ({
        tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
        roles,
        status,
      })),
      activeTenant: active ? { id: active.tenant.id, slug: active.tenant.slug, name: active.tenant.name } : null,
      // issue 15: the inbox badge (GET /auth/notifications lists them).
      notifications: { unreadCount: unreadNotifications },
    });
  })
  .get("/auth/sessions", doc.sessions, requireSession(), async (c) => {
    const current = c.var.session;
    const deps = await authDependencies(c);
    const sessions = await listActiveSessions(deps.db, current.userId, deps.now);
    c.header("Cache-Control", "no-store");
    return c.json({
      sessions: sessions.map((session) => ({
        id: session.id,
        current: session.id === current.sessionId,
        createdAt: session.createdAt.toISOString(),
        lastSeenAt: session.lastSeenAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
        ipHash: session.ipHash,
        userAgent: session.userAgent,
        amr: session.amr,
      })),
    });
  })
  .delete("/auth/sessions/:id", doc.revoke, requireSession(), async (c) => {
    const parsed = SessionIdParam.safeParse(c.req.param("id"));
    if (!parsed.success)
      throw new AppError("invalid_request", { fields: [{ path: "id", message: "must be a session id" }] });
    const current = c.var.session;
    const deps = await authDependencies(c);
    const revoked = await revokeOwnSession(deps, {
      userId: current.userId,
      sessionId: parsed.data,
      client: await clientInfo(c),
    });
    if (!revoked) throw new AppError("session_not_found");
    if (parsed.data === current.sessionId) clearSessionCookies(c);
    return c.body(null, 204);
  })
  .post("/auth/sessions/revoke-others", doc.revokeOthers, requireSession(), async (c) => {
    const current = c.var.session;
    const revoked = await revokeOtherSessions(await authDependencies(c), {
      userId: current.userId,
      currentSessionId: current.sessionId,
      client: await clientInfo(c),
    });
    return c.json({ revoked });
  });
