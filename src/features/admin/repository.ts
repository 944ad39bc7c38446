// What the admin API reads: users by search, one user's whole picture, tenants and their members, and
// the audit trail. Keyset pages over UUIDv7 ids (they sort by creation time), newest first.
import type { Database } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { listLoginHistory } from "../history/repository.ts";

export type UserStatusFilter = "ACTIVE" | "DISABLED" | "DELETED";

/** Keyset page: up to `limit` rows with ids below `before`, and the id to continue from. */
export type Page<T> = { items: T[]; nextCursor: string | null };

const RECENT_AUDIT_LIMIT = 50;
const RECENT_SESSIONS_LIMIT = 50;
/** issue 15: sign-in attempts the user detail lists (the rest through /admin/audit). */
const RECENT_LOGINS_LIMIT = 50;
const RECENT_DELIVERIES_LIMIT = 50;

/** `text` matched literally by LIKE: its wildcards and the escape character itself are escaped. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function pageOf<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

/** Users whose email or name contains `query` (case-insensitive), optionally of one status. */
export async function searchUsers(
  db: Database,
  input: { query?: string; status?: UserStatusFilter; before?: string; limit: number },
) {
  const pattern = input.query ? escapeLikePattern(input.query) : undefined;
  const where: Prisma.UserWhereInput = {
    ...(input.status ? { status: input.status } : {}),
    ...(input.before ? { id: { lt: input.before } } : {}),
    ...(pattern
      ? {
          OR: [
            { email: { contains: pattern, mode: "insensitive" } },
            { name: { contains: pattern, mode: "insensitive" } },
          ],
        }
      : {}),
  };
  const rows = await db.user.findMany({
    where,
    orderBy: { id: "desc" },
    take: input.limit + 1,
    select: { id: true, email: true, name: true, status: true, emailVerifiedAt: true, createdAt: true },
  });
  return pageOf(rows, input.limit);
}

/** Everything the admin detail shows about a user (never a secret, token or ip hash); null when unknown. */
export async function findUserDetail(db: Database, userId: string, now: Date = new Date()) {
  const userQuery = db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      emailVerifiedAt: true,
      name: true,
      phoneNumber: true,
      status: true,
      lockedAt: true,
      createdAt: true,
      deletedAt: true,
      identities: { select: { providerId: true, email: true, linkedAt: true }, orderBy: { linkedAt: "asc" } },
      totp: { select: { confirmedAt: true } },
      passkeys: { select: { name: true, createdAt: true }, orderBy: { createdAt: "asc" } },
      recoveryCodes: { where: { usedAt: null }, select: { id: true } },
      sessions: {
        select: {
          id: true,
          createdAt: true,
          lastSeenAt: true,
          userAgent: true,
          revokedAt: true,
          expiresAt: true,
          idleExpiresAt: true,
        },
        orderBy: { createdAt: "desc" },
        take: RECENT_SESSIONS_LIMIT,
      },
      memberships: {
        select: {
          status: true,
          tenant: { select: { id: true, slug: true, name: true } },
          roles: { select: { roleKey: true }, orderBy: { roleKey: "asc" } },
        },
      },
      platformRoles: { select: { roleKey: true, createdAt: true }, orderBy: { roleKey: "asc" } },
      events: {
        select: {
          id: true,
          action: true,
          success: true,
          createdAt: true,
          actorId: true,
          tenantId: true,
          metadata: true,
        },
        orderBy: { createdAt: "desc" },
        take: RECENT_AUDIT_LIMIT,
      },
      // issue 15: the delivery log (never a body; the recipient hash stays in the database).
      emailUndeliverableAt: true,
      emailUndeliverableReason: true,
      deliveries: {
        select: {
          id: true,
          channel: true,
          template: true,
          status: true,
          attempts: true,
          errorReason: true,
          createdAt: true,
          sentAt: true,
          reportedAt: true,
        },
        orderBy: { createdAt: "desc" },
        take: RECENT_DELIVERIES_LIMIT,
      },
    },
  });
  // issue 15: the login history, each attempt joined to its session (one query beside the user's).
  const [user, loginHistory] = await Promise.all([
    userQuery,
    listLoginHistory(db, userId, { limit: RECENT_LOGINS_LIMIT, now }),
  ]);
  return user ? { ...user, loginHistory } : null;
}

export type UserDetail = NonNullable<Awaited<ReturnType<typeof findUserDetail>>>;

/** Tenants whose slug or name contains `query`, with their member counts. */
export async function searchTenants(db: Database, input: { query?: string; before?: string; limit: number }) {
  const pattern = input.query ? escapeLikePattern(input.query) : undefined;
  const rows = await db.tenant.findMany({
    where: {
      ...(input.before ? { id: { lt: input.before } } : {}),
      ...(pattern
        ? {
            OR: [
              { slug: { contains: pattern, mode: "insensitive" } },
              { name: { contains: pattern, mode: "insensitive" } },
            ],
          }
        : {}),
    },
    orderBy: { id: "desc" },
    take: input.limit + 1,
    select: {
      id: true,
      slug: true,
      name: true,
      status: true,
      createdAt: true,
      _count: { select: { memberships: true } },
    },
  });
  return pageOf(rows, input.limit);
}

/** A tenant's members with their roles; null when there is no such tenant. */
export async function listTenantMembers(db: Database, tenantId: string) {
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: {
      id: true,
      slug: true,
      name: true,
      status: true,
      memberships: {
        select: {
          status: true,
          createdAt: true,
          user: { select: { id: true, email: true, name: true, status: true } },
          roles: { select: { roleKey: true }, orderBy: { roleKey: "asc" } },
        },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  return tenant;
}

export type AuditFilter = {
  userId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  before?: string;
  limit: number;
};

/** Audit rows matching the filter, newest first. */
export async function queryAuditEvents(db: Database, filter: AuditFilter) {
  const rows = await db.auditEvent.findMany({
    where: {
      ...(filter.userId ? { userId: filter.userId } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.from || filter.to
        ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lte: filter.to } : {}) } }
        : {}),
      ...(filter.before ? { id: { lt: filter.before } } : {}),
    },
    orderBy: { id: "desc" },
    take: filter.limit + 1,
    select: {
      id: true,
      action: true,
      success: true,
      createdAt: true,
      userId: true,
      actorId: true,
      tenantId: true,
      userAgent: true,
      metadata: true,
    },
  });
  return pageOf(rows, filter.limit);
}

/** The role catalogue, platform roles first. */
export function listRoles(db: Database) {
  return db.role.findMany({ orderBy: [{ scope: "asc" }, { key: "asc" }] });
}
