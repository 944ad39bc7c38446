// The admin API (/admin/*): users (search, detail, disable, enable, sessions, reset link, platform
// roles), the role catalogue, tenants and the audit trail. Every route is behind requirePlatformAdmin().
import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { readJsonBody } from "../../http/body.ts";
import { catalogueRoutes } from "./catalogue-routes.ts";
import { adminActor, adminDependencies, parseInput, userIdParam } from "./context.ts";
import { requirePlatformAdmin } from "./guard.ts";
import { adminUserDoc } from "./openapi.ts";
import { presentUserDetail } from "./present.ts";
import { findUserDetail, searchUsers } from "./repository.ts";
import { grantPlatformRole, removePlatformRole } from "./roles.ts";
import {
  DisableBody,
  EmptyBody,
  encodeCursor,
  GrantBody,
  RevokeSessionsBody,
  RoleKey,
  UserSearchQuery,
} from "./schemas.ts";
import {
  disableUserAsAdmin,
  enableUserAsAdmin,
  revokeUserSessionsAsAdmin,
  type StatusChange,
  sendPasswordResetAsAdmin,
} from "./service.ts";

/** A body that may be left out: none at all reads as `{}`, anything sent must be valid JSON for `schema`. */
async function readOptionalJsonBody<Schema extends z.ZodType>(c: Context<AppEnv>, schema: Schema) {
  const text = await c.req.text();
  if (text === "" && c.req.header("content-type") === undefined) return parseInput(schema, {});
  return readJsonBody(c, schema);
}

function statusAnswer(c: Context<AppEnv>, userId: string, result: StatusChange) {
  switch (result.kind) {
    case "not_found":
      throw new AppError("user_not_found");
    case "self":
      throw new AppError("cannot_disable_self");
    case "deleted":
      throw new AppError("user_deleted");
    case "last_admin":
      throw new AppError("last_platform_admin");
    default:
      return c.json({ id: userId, status: result.status, changed: result.kind === "changed" });
  }
}

function roleKeyParam(value: string | undefined): string {
  if (!RoleKey.safeParse(value).success) throw new AppError("unknown_role");
  return value as string;
}

const userRoutes = new Hono<AppEnv>()
  .get("/admin/users", adminUserDoc.search, async (c) => {
    const query = parseInput(UserSearchQuery, c.req.query());
    const page = await searchUsers(c.var.db(), {
      query: query.q || undefined,
      status: query.status,
      before: query.cursor,
      limit: query.limit,
    });
    return c.json({
      users: page.items.map((user) => ({
        id: user.id,
        email: user.email,
        name: user.name,
        status: user.status,
        emailVerified: user.emailVerifiedAt !== null,
        createdAt: user.createdAt.toISOString(),
      })),
      nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null,
    });
  })
  .get("/admin/users/:id", adminUserDoc.detail, async (c) => {
    const user = await findUserDetail(c.var.db(), userIdParam(c.req.param("id")));
    if (!user) throw new AppError("user_not_found");
    return c.json(presentUserDetail(user, new Date()));
  })
  .post("/admin/users/:id/disable", adminUserDoc.disable, async (c) => {
    const userId = userIdParam(c.req.param("id"));
    const body = await readOptionalJsonBody(c, DisableBody);
    const actor = await adminActor(c, c.var.session.userId);
    return statusAnswer(c, userId, await disableUserAsAdmin(await adminDependencies(c), actor, { userId, ...body }));
  })
  .post("/admin/users/:id/enable", adminUserDoc.enable, async (c) => {
    const userId = userIdParam(c.req.param("id"));
    await readOptionalJsonBody(c, EmptyBody);
    const actor = await adminActor(c, c.var.session.userId);
    return statusAnswer(c, userId, await enableUserAsAdmin(await adminDependencies(c), actor, { userId }));
  })
  .post("/admin/users/:id/sessions/revoke", adminUserDoc.revokeSessions, async (c) => {
    const userId = userIdParam(c.req.param("id"));
    const body = await readOptionalJsonBody(c, RevokeSessionsBody);
    const actor = await adminActor(c, c.var.session.userId);
    const result = await revokeUserSessionsAsAdmin(await adminDependencies(c), actor, { userId, ...body });
    if (result.kind === "not_found") throw new AppError("user_not_found");
    if (result.kind === "session_not_found") throw new AppError("session_not_found");
    return c.json({ revokedSessions: result.sessionIds });
  })
  .post("/admin/users/:id/password-reset", adminUserDoc.passwordReset, async (c) => {
    const userId = userIdParam(c.req.param("id"));
    await readOptionalJsonBody(c, EmptyBody);
    const actor = await adminActor(c, c.var.session.userId);
    const result = await sendPasswordResetAsAdmin(await adminDependencies(c), actor, { userId });
    if (result.kind === "not_found") throw new AppError("user_not_found");
    if (result.kind === "deleted") throw new AppError("user_deleted");
    return c.json({ status: "requested", message: "A reset link is on its way to the user's address." }, 202);
  })
  .post("/admin/users/:id/platform-roles", adminUserDoc.grantRole, async (c) => {
    const userId = userIdParam(c.req.param("id"));
    const body = await readJsonBody(c, GrantBody);
    const actor = await adminActor(c, c.var.session.userId);
    const result = await grantPlatformRole(await adminDependencies(c), actor, { userId, roleKey: body.role });
    if (result.kind === "unknown_role") throw new AppError("unknown_role");
    if (result.kind === "not_found") throw new AppError("user_not_found");
    if (result.kind === "not_active") throw new AppError("user_not_active");
    return c.json(
      { id: userId, role: body.role, changed: result.kind === "granted" },
      result.kind === "granted" ? 201 : 200,
    );
  })
  .delete("/admin/users/:id/platform-roles/:role", adminUserDoc.removeRole, async (c) => {
    const userId = userIdParam(c.req.param("id"));
    const roleKey = roleKeyParam(c.req.param("role"));
    const actor = await adminActor(c, c.var.session.userId);
    const result = await removePlatformRole(await adminDependencies(c), actor, { userId, roleKey });
    if (result.kind === "unknown_role") throw new AppError("unknown_role");
    if (result.kind === "not_found") throw new AppError("user_not_found");
    if (result.kind === "not_granted") throw new AppError("role_not_granted");
    if (result.kind === "last_admin") throw new AppError("last_platform_admin");
    return c.json({ id: userId, role: roleKey, removed: true });
  });

/** Mounted at "/" after `app.use("/admin/*", limitBodySize(), csrfProtection())`. */
export const adminRoutes = new Hono<AppEnv>()
  .use("/admin/*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  })
  .use("/admin/*", ...requirePlatformAdmin())
  .route("/", userRoutes)
  .route("/", catalogueRoutes)
  // Reserved for the admin API: an unknown path here is a JSON 404, never the gateway's.
  .all("/admin/*", () => {
    throw new AppError("not_found");
  })
  .all("/admin", () => {
    throw new AppError("not_found");
  });
