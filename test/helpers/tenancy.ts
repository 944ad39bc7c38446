// Tenancy set-up for flow tests: a tenant created through the real route, and memberships or platform
// roles written with SQL where a test only needs them to exist.
import { v7 as uuidv7 } from "uuid";
import { expect } from "vitest";
import type { AuthTestContext } from "./auth.ts";
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

/** The id of the user with `email`. */
export async function userIdOf(ctx: AuthTestContext, email: string): Promise<string> {
  const [row] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
  if (!row) throw new Error("no such user");
  return row.id;
}

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

/** Set-up only: grants a platform role (PLATFORM_ADMIN by default) with SQL. */
export async function grantPlatformRole(ctx: AuthTestContext, userId: string, role = "PLATFORM_ADMIN"): Promise<void> {
  await ctx.sql("INSERT INTO platform_role_grants (user_id, role_key) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
    userId,
    role,
  ]);
}
