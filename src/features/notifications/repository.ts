// The inbox's queries: a keyset page (newest first), the unread count, marking read, the purge.
import type { Database } from "../../db/client.ts";
import { kindOfType, type NotificationKind } from "./channels.ts";
import type { NotificationCursor } from "./schemas.ts";

export type NotificationView = {
  id: string;
  type: NotificationKind;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
};

type Row = { id: string; type: Parameters<typeof kindOfType>[0]; data: unknown; createdAt: Date; readAt: Date | null };

const viewOf = (row: Row): NotificationView => ({
  id: row.id,
  type: kindOfType(row.type),
  data: (row.data ?? {}) as Record<string, unknown>,
  createdAt: row.createdAt.toISOString(),
  readAt: row.readAt?.toISOString() ?? null,
});

/** The user's notifications after `cursor`, newest first, ordered by (created_at, id) as the index is. */
export async function listNotifications(
  db: Database,
  userId: string,
  page: { limit: number; unreadOnly: boolean; cursor?: NotificationCursor },
): Promise<{ notifications: NotificationView[]; nextCursor: NotificationCursor | null }> {
  const after = page.cursor;
  const rows = await db.notification.findMany({
    where: {
      userId,
      ...(page.unreadOnly ? { readAt: null } : {}),
      ...(after
        ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: page.limit + 1,
    select: { id: true, type: true, data: true, createdAt: true, readAt: true },
  });
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  const nextCursor = rows.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null;
  return { notifications: shown.map(viewOf), nextCursor };
}

/** How many of the user's notifications are unread (the partial index answers it). */
export const countUnreadNotifications = (db: Database, userId: string) =>
  db.notification.count({ where: { userId, readAt: null } });

/**
 * Marks one of the user's own notifications read in one guarded statement; an id that is someone
 * else's, or unknown, matches nothing (`not_found`). Reading one again keeps its first read time.
 */
export async function markNotificationRead(
  db: Database,
  input: { userId: string; id: string; now: Date },
): Promise<"marked" | "already_read" | "not_found"> {
  const { count } = await db.notification.updateMany({
    where: { id: input.id, userId: input.userId, readAt: null },
    data: { readAt: input.now },
  });
  if (count === 1) return "marked";
  const owned = await db.notification.count({ where: { id: input.id, userId: input.userId } });
  return owned === 1 ? "already_read" : "not_found";
}

/** Marks every unread notification of the user read; returns how many changed. */
export async function markAllNotificationsRead(db: Database, input: { userId: string; now: Date }) {
  const { count } = await db.notification.updateMany({
    where: { userId: input.userId, readAt: null },
    data: { readAt: input.now },
  });
  return count;
}
