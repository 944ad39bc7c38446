// Tenancy's SQL: tenants, memberships and their roles, read and changed by narrow, intent-named queries.
// Every write that can take away an OWNER runs after `lockTenant`, so such writes happen one at a time.
import { v7 as uuidv7 } from "uuid";
import type { Database } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { OWNER } from "./role-catalogue.ts";

/** A Prisma client or the transaction client of `db.$transaction`. */
export type Queries = Pick<Database, "$queryRaw" | "$executeRaw">;

export type TenantRow = { id: string; slug: string; name: string; status: "ACTIVE" | "SUSPENDED" };

export type MembershipOfUser = {
  tenant: TenantRow;
  roles: string[];
  status: "ACTIVE" | "SUSPENDED";
  /** The session's active tenant. */
  active: boolean;
};

/** GET /auth/tenants answers at most this many memberships (invitations can add many). */
export const MAX_LISTED_MEMBERSHIPS = 500;

/** The roles among `keys` that are in the catalogue with scope TENANT. */
export async function findTenantRoles(db: Queries, keys: readonly string[]): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ key: string }>>`
    SELECT key FROM roles WHERE key = ANY(${[...keys]}::text[]) AND scope = 'TENANT'`;
  return rows.map((row) => row.key);
}

/** Locks the user's row (one tenant creation at a time per user) and reads what creation checks. */
export async function lockCreator(db: Queries, userId: string) {
  const locked = await db.$queryRaw<Array<{ verified: boolean }>>`
    SELECT email_verified_at IS NOT NULL AS verified FROM users
    WHERE id = ${userId}::uuid AND status = 'ACTIVE' FOR UPDATE`;
  const user = locked[0];
  if (!user) return null;
  // A statement of its own: its snapshot starts after the lock, so it counts a racing creation's tenant.
  const counted = await db.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM tenants WHERE created_by_id = ${userId}::uuid`;
  return { verified: user.verified, created: counted[0]?.n ?? 0 };
}

/** Inserts the tenant with `userId` as its OWNER; null when the slug is taken. */
export async function insertTenantWithOwner(
  db: Queries,
  input: { slug: string; name: string; userId: string; now: Date },
): Promise<TenantRow | null> {
  const rows = await db.$queryRaw<TenantRow[]>`
    INSERT INTO tenants (id, slug, name, status, created_by_id, created_at, updated_at)
    VALUES (${uuidv7()}::uuid, ${input.slug}, ${input.name}, 'ACTIVE', ${input.userId}::uuid, ${input.now}, ${input.now})
    ON CONFLICT (slug) DO NOTHING
    RETURNING id, slug, name, status::text AS status`;
  const tenant = rows[0];
  if (!tenant) return null;
  const membershipId = uuidv7();
  await db.$executeRaw`
    INSERT INTO memberships (id, tenant_id, user_id, status, created_at, updated_at)
    VALUES (${membershipId}::uuid, ${tenant.id}::uuid, ${input.userId}::uuid, 'ACTIVE', ${input.now}, ${input.now})`;
  await db.$executeRaw`
    INSERT INTO membership_roles (membership_id, role_key, created_at) VALUES (${membershipId}::uuid, ${OWNER}, ${input.now})`;
  return tenant;
}

export type MembershipRow = {
  id: string;
  slug: string;
  name: string;
  tenant_status: string;
  status: string;
  roles: string[];
  active: boolean;
};

/**
 * The SELECT of the user's memberships (oldest first, at most MAX_LISTED_MEMBERSHIPS), each flagged when
 * it is the session's active tenant, with the order's columns (joined_at, membership_id); `userId` is a
 * column or a parameter, so GET /auth/session can run it inside its one statement.
 */
export const membershipsOfUserSql = (userId: Prisma.Sql, sessionId: string) => Prisma.sql`
    SELECT t.id, t.slug, t.name, t.status::text AS tenant_status, m.status::text AS status,
           ARRAY(SELECT mr.role_key FROM membership_roles mr WHERE mr.membership_id = m.id ORDER BY mr.role_key) AS roles,
           COALESCE(m.status = 'ACTIVE' AND t.status = 'ACTIVE' AND t.id = (
             SELECT s.active_tenant_id FROM sessions s WHERE s.id = ${sessionId}::uuid AND s.user_id = m.user_id
           ), false) AS active,
           m.created_at AS joined_at, m.id AS membership_id
    FROM memberships m JOIN tenants t ON t.id = m.tenant_id
    WHERE m.user_id = ${userId}
    ORDER BY m.created_at, m.id
    LIMIT ${MAX_LISTED_MEMBERSHIPS}`;

/** A row of membershipsOfUserSql as the API shows it. */
export const toMembershipOfUser = (row: MembershipRow): MembershipOfUser => ({
  tenant: { id: row.id, slug: row.slug, name: row.name, status: row.tenant_status as TenantRow["status"] },
  roles: row.roles,
  status: row.status as MembershipOfUser["status"],
  active: row.active,
});

/** The user's memberships, oldest first, each flagged when it is the session's active tenant. */
export async function listMembershipsOfUser(
  db: Queries,
  input: { userId: string; sessionId: string },
): Promise<MembershipOfUser[]> {
  const rows = await db.$queryRaw<MembershipRow[]>(
    membershipsOfUserSql(Prisma.sql`${input.userId}::uuid`, input.sessionId),
  );
  return rows.map(toMembershipOfUser);
}

/** The roles of the user's active membership in the active tenant; null when there is none. */
export async function findActiveMemberRoles(
  db: Queries,
  input: { tenantId: string; userId: string },
): Promise<string[] | null> {
  const rows = await db.$queryRaw<Array<{ roles: string[] }>>`
    SELECT ARRAY(SELECT mr.role_key FROM membership_roles mr WHERE mr.membership_id = m.id ORDER BY mr.role_key) AS roles
    FROM memberships m JOIN tenants t ON t.id = m.tenant_id
    WHERE m.tenant_id = ${input.tenantId}::uuid AND m.user_id = ${input.userId}::uuid
      AND m.status = 'ACTIVE' AND t.status = 'ACTIVE'`;
  return rows[0]?.roles ?? null;
}

export type TenantMember = {
  membershipId: string;
  userId: string;
  email: string;
  name: string | null;
  roles: string[];
  status: "ACTIVE" | "SUSPENDED";
  joinedAt: Date;
};

/** Members in join order (membership ids are UUIDv7), `limit` after the membership `after`. */
export async function listTenantMembers(
  db: Queries,
  input: { tenantId: string; after: string | null; limit: number },
): Promise<TenantMember[]> {
  const rows = await db.$queryRaw<
    Array<{
      id: string;
      user_id: string;
      email: string;
      name: string | null;
      roles: string[];
      status: string;
      created_at: Date;
    }>
  >`
    SELECT m.id, m.user_id, u.email, u.name, m.status::text AS status, m.created_at,
           ARRAY(SELECT mr.role_key FROM membership_roles mr WHERE mr.membership_id = m.id ORDER BY mr.role_key) AS roles
    FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.tenant_id = ${input.tenantId}::uuid AND u.status <> 'DELETED'
      AND (${input.after}::uuid IS NULL OR m.id > ${input.after}::uuid)
    ORDER BY m.id
    LIMIT ${input.limit}`;
  return rows.map((row) => ({
    membershipId: row.id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    status: row.status as TenantMember["status"],
    joinedAt: row.created_at,
  }));
}

/**
 * Locks the tenant's row until the transaction ends: every change that can take away an OWNER takes
 * this lock first, so each one counts the owners the previous one left (no two demote the last two).
 */
export async function lockTenant(db: Queries, tenantId: string, options: { activeOnly: boolean }): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM tenants WHERE id = ${tenantId}::uuid AND (${!options.activeOnly} OR status = 'ACTIVE') FOR UPDATE`;
  return rows.length === 1;
}

/** A membership of the tenant (any status) with its roles. */
export async function findMembership(db: Queries, input: { tenantId: string; userId: string }) {
  const rows = await db.$queryRaw<Array<{ id: string; status: string; roles: string[] }>>`
    SELECT m.id, m.status::text AS status,
           ARRAY(SELECT mr.role_key FROM membership_roles mr WHERE mr.membership_id = m.id ORDER BY mr.role_key) AS roles
    FROM memberships m WHERE m.tenant_id = ${input.tenantId}::uuid AND m.user_id = ${input.userId}::uuid`;
  return rows[0] ?? null;
}

/** OWNERs of the tenant other than `exceptUserId` who can act: an active membership of an active user. */
export async function countOtherOwners(
  db: Queries,
  input: { tenantId: string; exceptUserId: string },
): Promise<number> {
  const rows = await db.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM memberships m
      JOIN membership_roles mr ON mr.membership_id = m.id AND mr.role_key = ${OWNER}
      JOIN users u ON u.id = m.user_id AND u.status = 'ACTIVE'
    WHERE m.tenant_id = ${input.tenantId}::uuid AND m.user_id <> ${input.exceptUserId}::uuid AND m.status = 'ACTIVE'`;
  return rows[0]?.n ?? 0;
}

/** Makes `roles` the membership's roles: drops the others, adds the missing ones. */
export async function replaceMembershipRoles(
  db: Queries,
  input: { membershipId: string; roles: readonly string[]; now: Date },
): Promise<void> {
  const roles = [...input.roles];
  await db.$executeRaw`
    DELETE FROM membership_roles WHERE membership_id = ${input.membershipId}::uuid AND role_key <> ALL(${roles}::text[])`;
  await db.$executeRaw`
    INSERT INTO membership_roles (membership_id, role_key, created_at)
    SELECT ${input.membershipId}::uuid, key, ${input.now} FROM unnest(${roles}::text[]) AS key
    ON CONFLICT DO NOTHING`;
  await db.$executeRaw`UPDATE memberships SET updated_at = ${input.now} WHERE id = ${input.membershipId}::uuid`;
}

/** Deletes the membership (its roles go with it) and takes the tenant off the user's sessions. */
export async function deleteMembership(db: Queries, input: { membershipId: string; tenantId: string; userId: string }) {
  await db.$executeRaw`DELETE FROM memberships WHERE id = ${input.membershipId}::uuid`;
  await db.$executeRaw`
    UPDATE sessions SET active_tenant_id = NULL
    WHERE user_id = ${input.userId}::uuid AND active_tenant_id = ${input.tenantId}::uuid`;
}
