// Admin reads and writes beside users: the role catalogue, tenants and their members, the audit trail.
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { readJsonBody } from "../../http/body.ts";
import { adminActor, parseInput } from "./context.ts";
import { adminCatalogueDoc } from "./openapi.ts";
import { listRoles, listTenantMembers, queryAuditEvents, searchTenants } from "./repository.ts";
import { createRole } from "./roles.ts";
import { AuditQuery, CreateRoleBody, encodeCursor, TenantSearchQuery, UserId } from "./schemas.ts";

const nextCursorOf = (page: { nextCursor: string | null }) => (page.nextCursor ? encodeCursor(page.nextCursor) : null);

export const catalogueRoutes = new Hono<AppEnv>()
  .get("/admin/roles", adminCatalogueDoc.roles, async (c) => {
    const roles = await listRoles(c.var.db());
    return c.json({
      roles: roles.map((role) => ({
        key: role.key,
        scope: role.scope,
        description: role.description,
        createdAt: role.createdAt.toISOString(),
      })),
    });
  })
  .post("/admin/roles", adminCatalogueDoc.createRole, async (c) => {
    const body = await readJsonBody(c, CreateRoleBody);
    const result = await createRole(c.var.db(), await adminActor(c, c.var.session.userId), body);
    if (result.kind === "exists") throw new AppError("role_exists");
    return c.json({ role: result.role }, 201);
  })
  .get("/admin/tenants", adminCatalogueDoc.tenants, async (c) => {
    const query = parseInput(TenantSearchQuery, c.req.query());
    const page = await searchTenants(c.var.db(), {
      query: query.q || undefined,
      before: query.cursor,
      limit: query.limit,
    });
    return c.json({
      tenants: page.items.map(({ _count, ...tenant }) => ({
        ...tenant,
        createdAt: tenant.createdAt.toISOString(),
        members: _count.memberships,
      })),
      nextCursor: nextCursorOf(page),
    });
  })
  .get("/admin/tenants/:id/members", adminCatalogueDoc.tenantMembers, async (c) => {
    const id = UserId.safeParse(c.req.param("id"));
    if (!id.success) throw new AppError("invalid_request", { fields: [{ path: "id", message: "must be a UUID" }] });
    const tenant = await listTenantMembers(c.var.db(), id.data);
    if (!tenant) throw new AppError("tenant_not_found");
    const { memberships, ...summary } = tenant;
    return c.json({
      tenant: summary,
      members: memberships.map((membership) => ({
        user: membership.user,
        status: membership.status,
        roles: membership.roles.map((role) => role.roleKey),
        joinedAt: membership.createdAt.toISOString(),
      })),
    });
  })
  .get("/admin/audit", adminCatalogueDoc.audit, async (c) => {
    const query = parseInput(AuditQuery, c.req.query());
    const page = await queryAuditEvents(c.var.db(), { ...query, before: query.cursor });
    return c.json({
      events: page.items.map((event) => ({ ...event, createdAt: event.createdAt.toISOString() })),
      nextCursor: nextCursorOf(page),
    });
  });
