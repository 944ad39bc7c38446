// Tenancy set-up for flow tests: a tenant created through the real route, or tenants, memberships and
// active tenants written with SQL where a test only needs them to exist (set-up only: no epoch, no audit).
import { v7 as uuidv7 } from "uuid";
import { expect } from "vitest";
import { type AuthTestContext, userIdOf } from "./auth.ts";
import type { TestClient } from "./client.ts";

export type CreatedTenant = { id: string; slug: string; name: string; status: string };

/** Creates a tenant as the signed-in `client` (cookie, or `bearer`); its session switches to it. */
export async function createTenant(
  client: TestClient,
  slug: string,
  options: { name?: string; bearer?: string } = {},
): Promise<{ tenant: CreatedTenant; body: Record<string, unknown> }> {
  const response = await client.request("/auth/tenants", {
    json: { slug, name: options.name ?? `Tenant ${slug}` },
    ...(options.bearer ? { bearer: options.bearer, origin: null } : {}),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const body = (await response.json()) as { tenant: CreatedTenant };
  return { tenant: body.tenant, body };
}

/** A unique, valid tenant slug. */
export const uniqueSlug = (label = "t") => `${label}-${crypto.randomUUID().slice(0, 8)}`;

/** Set-up only: makes `userId` an active member of the tenant with `roles` (no epoch bump, no audit). */
export async function addMemberDirect(
  ctx: AuthTestContext,
  input: { tenantId: string; userId: string; roles: string[] },
): Promise<void> {
  const [membership] = await ctx.sql<{ id: string }>(
    `INSERT INTO memberships (id, tenant_id, user_id, status, updated_at)
     VALUES ($1, $2, $3, 'ACTIVE', now()) RETURNING id`,
    [uuidv7(), input.tenantId, input.userId],
  );
  await ctx.sql("INSERT INTO membership_roles (membership_id, role_key) SELECT $1, unnest($2::text[])", [
    membership?.id,
    input.roles,
  ]);
}

/** Set-up only: an active tenant with a unique slug starting with `label`, written with SQL. */
export async function insertTenant(ctx: AuthTestContext, label = "acme"): Promise<{ id: string; slug: string }> {
  const slug = uniqueSlug(label);
  const [row] = await ctx.sql<{ id: string }>(
    "INSERT INTO tenants (id, slug, name, updated_at) VALUES ($1, $2, $2, now()) RETURNING id::text",
    [uuidv7(), slug],
  );
  if (!row) throw new Error("no tenant inserted");
  return { id: row.id, slug };
}

/** Set-up only: makes the user with `email` an active member of `tenantId` holding `roles`. */
export async function addMember(ctx: AuthTestContext, email: string, tenantId: string, roles: string[]): Promise<void> {
  await addMemberDirect(ctx, { tenantId, userId: await userIdOf(ctx, email), roles });
}

/** Set-up only: points every session of the user with `email` at `tenantId` (the next refresh carries it). */
export async function setActiveTenant(ctx: AuthTestContext, email: string, tenantId: string): Promise<void> {
  await ctx.sql(
    "UPDATE sessions SET active_tenant_id = $2::uuid WHERE user_id = (SELECT id FROM users WHERE email = $1)",
    [email, tenantId],
  );
}

/** The active tenant id of the session `sessionId`. */
export async function activeTenantOf(ctx: AuthTestContext, sessionId: string): Promise<string | null> {
  const [row] = await ctx.sql<{ tenant: string | null }>(
    "SELECT active_tenant_id::text AS tenant FROM sessions WHERE id = $1::uuid",
    [sessionId],
  );
  return row?.tenant ?? null;
}
