// Tenant set-up for gateway tests: tenants and memberships written with SQL (the routes that create
// them belong to other features), for users who signed up through the Worker.
import type { AuthTestContext } from "./auth.ts";

/** Creates an active tenant with a unique slug starting with `label`; returns its id and slug. */
export async function createTenant(ctx: AuthTestContext, label = "acme"): Promise<{ id: string; slug: string }> {
  const slug = `${label}-${crypto.randomUUID().slice(0, 8)}`;
  const [row] = await ctx.sql<{ id: string }>(
    "INSERT INTO tenants (id, slug, name, updated_at) VALUES (gen_random_uuid(), $1, $1, now()) RETURNING id::text",
    [slug],
  );
  return { id: row?.id as string, slug };
}

/** Makes the user with `email` an active member of `tenantId` holding `roles`. */
export async function addMember(ctx: AuthTestContext, email: string, tenantId: string, roles: string[]): Promise<void> {
  await ctx.sql(
    `WITH m AS (
       INSERT INTO memberships (id, tenant_id, user_id, updated_at)
       SELECT gen_random_uuid(), $2::uuid, u.id, now() FROM users u WHERE u.email = $1 RETURNING id)
     INSERT INTO membership_roles (membership_id, role_key) SELECT m.id, r FROM m, unnest($3::text[]) AS r`,
    [email, tenantId, roles],
  );
}

/** Points every session of the user with `email` at `tenantId` (the next refresh carries it). */
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
