// Tenant routes: create a tenant, list the caller's tenants, switch the active one, list and change its
// members, leave it. Authorization is read from the database; a caller who is not an active member of
// an active tenant gets the answer an unknown tenant gets (404 tenant_not_found).
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { describeSessionRoute } from "../../http/openapi/describe.ts";
import { requireSession } from "../session/middleware.ts";
import { reissueAccessToken } from "../session/reissue.ts";
import { deliverAccessToken } from "../session/respond.ts";
import type { SessionDeps } from "../session/service.ts";
import { changeMemberRoles, leaveTenant, removeMember } from "./members.ts";
import { listMembershipsOfUser } from "./repository.ts";
import {
  CreateTenantBody,
  CreateTenantResponse,
  Id,
  LeaveTenantResponse,
  MemberListResponse,
  MemberParams,
  MemberRolesResponse,
  MembersQuery,
  RolesBody,
  SwitchTenantResponse,
  TenantListResponse,
  TenantParams,
} from "./schemas.ts";
import { createTenant, listMembersFor } from "./service.ts";
import { switchActiveTenant } from "./switch.ts";

const doc = {
  create: describeSessionRoute({
    operationId: "createTenant",
    tag: "tenants",
    summary: "Create a tenant: the caller becomes its OWNER and the session switches to it",
    body: CreateTenantBody,
    responses: { 201: CreateTenantResponse },
    errors: ["slug_taken", "tenant_limit_reached", "email_not_verified"],
  }),
  list: describeSessionRoute({
    operationId: "listTenants",
    tag: "tenants",
    summary: "The caller's memberships (oldest first), the session's active tenant marked",
    responses: { 200: TenantListResponse },
  }),
  switch: describeSessionRoute({
    operationId: "switchTenant",
    tag: "tenants",
    summary: "Make a tenant the session's active one: a new access token carries it and its roles",
    params: TenantParams,
    responses: { 200: SwitchTenantResponse },
    errors: ["invalid_request", "tenant_not_found"],
  }),
  members: describeSessionRoute({
    operationId: "listTenantMembers",
    tag: "tenants",
    summary: "One page of the tenant's members (owners and staff only)",
    params: TenantParams,
    query: MembersQuery,
    responses: { 200: MemberListResponse },
    errors: ["invalid_request", "tenant_not_found", "forbidden"],
  }),
  setRoles: describeSessionRoute({
    operationId: "setTenantMemberRoles",
    tag: "tenants",
    summary: "Replace a member's tenant roles (owners only; a tenant keeps an owner)",
    params: MemberParams,
    body: RolesBody,
    responses: { 200: MemberRolesResponse },
    errors: ["tenant_not_found", "forbidden", "member_not_found", "last_owner", "unknown_role"],
  }),
  remove: describeSessionRoute({
    operationId: "removeTenantMember",
    tag: "tenants",
    summary: "Remove a member from the tenant (owners only; a tenant keeps an owner)",
    params: MemberParams,
    responses: { 204: { description: "Removed; no body. A browser that removed itself gets a new access cookie." } },
    errors: ["invalid_request", "tenant_not_found", "forbidden", "member_not_found", "last_owner"],
  }),
  leave: describeSessionRoute({
    operationId: "leaveTenant",
    tag: "tenants",
    summary: "Leave a tenant (the last owner cannot); a new access token without it",
    params: TenantParams,
    responses: { 200: LeaveTenantResponse },
    errors: ["invalid_request", "tenant_not_found", "last_owner"],
  }),
};

function idParam(c: Context<AppEnv>, name: "id" | "userId"): string {
  const parsed = Id.safeParse(c.req.param(name));
  if (!parsed.success) throw new AppError("invalid_request", { fields: [{ path: name, message: "must be a UUID" }] });
  return parsed.data;
}

/** Member management is a tenant power: it waits, like the token's roles, for a required second factor. */
const refuseDuringMfaEnrollment = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.session.mfaEnrollmentRequired) throw new AppError("mfa_enrollment_required");
  await next();
});

const FAILURES = {
  tenant_not_found: "tenant_not_found",
  forbidden: "forbidden",
  member_not_found: "member_not_found",
  last_owner: "last_owner",
  unknown_role: "unknown_role",
} as const;

/** The caller changed their own memberships: their token's epoch is now old, so they get a new one. */
async function renewCallerToken(c: Context<AppEnv>, deps: SessionDeps) {
  const current = c.var.session;
  const token = await reissueAccessToken(deps, { sessionId: current.sessionId, userId: current.userId });
  if (!token) return undefined;
  return {
    accessTokenExpiresAt: token.accessTokenExpiresAt.toISOString(),
    activeTenant: token.authorization.tenant ?? null,
    roles: token.authorization.roles,
    ...deliverAccessToken(c, token, deps.now),
  };
}

export const tenancyRoutes = new Hono<AppEnv>()
  .post("/auth/tenants", doc.create, requireSession(), async (c) => {
    const body = await readJsonBody(c, CreateTenantBody);
    const deps = await authDependencies(c);
    const current = c.var.session;
    const result = await createTenant(deps, {
      userId: current.userId,
      sessionId: current.sessionId,
      slug: body.slug,
      name: body.name,
      limits: c.var.config,
      client: await clientInfo(c),
    });
    if (result.kind === "slug_taken") throw new AppError("slug_taken");
    if (result.kind === "limit_reached") throw new AppError("tenant_limit_reached");
    if (result.kind === "email_unverified")
      throw new AppError("email_not_verified", { message: "Verify your email address before creating a tenant." });
    if (result.kind === "user_inactive") throw new AppError("unauthenticated");
    const { switched } = result;
    const session =
      switched.kind === "ok"
        ? {
            switched: true,
            activeTenant: switched.tenant,
            roles: switched.roles,
            mfaEnrollmentRequired: switched.mfaEnrollmentRequired,
            accessTokenExpiresAt: switched.token.accessTokenExpiresAt.toISOString(),
            ...deliverAccessToken(c, switched.token, deps.now),
          }
        : { switched: false };
    return c.json({ tenant: result.tenant, roles: result.roles, session }, 201);
  })
  .get("/auth/tenants", doc.list, requireSession(), async (c) => {
    const current = c.var.session;
    const memberships = await listMembershipsOfUser(c.var.db(), {
      userId: current.userId,
      sessionId: current.sessionId,
    });
    c.header("Cache-Control", "no-store");
    return c.json({ tenants: memberships });
  })
  .post("/auth/tenants/:id/switch", doc.switch, requireSession(), async (c) => {
    const tenantId = idParam(c, "id");
    const deps = await authDependencies(c);
    const current = c.var.session;
    const result = await switchActiveTenant(deps, {
      sessionId: current.sessionId,
      userId: current.userId,
      tenant: { id: tenantId },
      client: await clientInfo(c),
    });
    if (result.kind === "not_member") throw new AppError("tenant_not_found");
    if (result.kind === "session_ended") throw new AppError("unauthenticated");
    return c.json({
      tenant: result.tenant,
      roles: result.roles,
      mfaEnrollmentRequired: result.mfaEnrollmentRequired,
      accessTokenExpiresAt: result.token.accessTokenExpiresAt.toISOString(),
      ...deliverAccessToken(c, result.token, deps.now),
    });
  })
  .get("/auth/tenants/:id/members", doc.members, requireSession(), refuseDuringMfaEnrollment, async (c) => {
    const tenantId = idParam(c, "id");
    const query = MembersQuery.safeParse(c.req.query());
    if (!query.success) {
      const fields = query.error.issues.map((issue) => ({
        path: issue.path.join(".") || "(query)",
        message: issue.message,
      }));
      throw new AppError("invalid_request", { fields });
    }
    const page = await listMembersFor(
      { db: c.var.db() },
      { tenantId, actorId: c.var.session.userId, cursor: query.data.cursor ?? null, limit: query.data.limit },
    );
    if (page.kind !== "ok") throw new AppError(FAILURES[page.kind]);
    c.header("Cache-Control", "no-store");
    return c.json({
      members: page.members.map(({ membershipId: _cursor, joinedAt, ...member }) => ({
        ...member,
        joinedAt: joinedAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    });
  })
  .patch("/auth/tenants/:id/members/:userId", doc.setRoles, requireSession(), refuseDuringMfaEnrollment, async (c) => {
    const tenantId = idParam(c, "id");
    const targetUserId = idParam(c, "userId");
    const body = await readJsonBody(c, RolesBody);
    const deps = await authDependencies(c);
    const actorId = c.var.session.userId;
    const result = await changeMemberRoles(deps, {
      tenantId,
      actorId,
      targetUserId,
      roles: body.roles,
      client: await clientInfo(c),
    });
    if (result.kind !== "ok") throw new AppError(FAILURES[result.kind]);
    const session = targetUserId === actorId ? await renewCallerToken(c, deps) : undefined;
    return c.json({ member: { userId: targetUserId, roles: result.roles }, ...(session ? { session } : {}) });
  })
  .delete("/auth/tenants/:id/members/:userId", doc.remove, requireSession(), refuseDuringMfaEnrollment, async (c) => {
    const tenantId = idParam(c, "id");
    const targetUserId = idParam(c, "userId");
    const deps = await authDependencies(c);
    const actorId = c.var.session.userId;
    const result = await removeMember(deps, { tenantId, actorId, targetUserId, client: await clientInfo(c) });
    if (result.kind !== "ok") throw new AppError(FAILURES[result.kind]);
    // A browser that removed itself gets its new access cookie; an API client refreshes (401 invalid_token).
    if (targetUserId === actorId) await renewCallerToken(c, deps);
    return c.body(null, 204);
  })
  .post("/auth/tenants/:id/leave", doc.leave, requireSession(), async (c) => {
    const tenantId = idParam(c, "id");
    const deps = await authDependencies(c);
    const result = await leaveTenant(deps, { tenantId, userId: c.var.session.userId, client: await clientInfo(c) });
    if (result.kind !== "ok") throw new AppError(FAILURES[result.kind]);
    return c.json({ left: { tenantId }, session: (await renewCallerToken(c, deps)) ?? null });
  });
