// Notification helpers: a user's inbox rows as stored, and the inbox as the API answers it.
import type { AuthTestContext } from "./auth.ts";
import type { TestClient } from "./client.ts";

export type StoredNotification = { type: string; data: Record<string, unknown>; read: boolean };

/** The user's notifications, oldest first, as the table holds them. */
export const storedNotifications = (ctx: AuthTestContext, email: string) =>
  ctx.sql<StoredNotification>(
    `SELECT n.type::text AS type, n.data, n.read_at IS NOT NULL AS read FROM notifications n
     JOIN users u ON u.id = n.user_id WHERE u.email = $1 ORDER BY n.created_at, n.id`,
    [email],
  );

/** The stored notification types of the user, oldest first. */
export const notificationTypes = async (ctx: AuthTestContext, email: string) =>
  (await storedNotifications(ctx, email)).map((row) => row.type);

export type InboxBody = {
  notifications: Array<{
    id: string;
    type: string;
    data: Record<string, unknown>;
    createdAt: string;
    readAt: string | null;
  }>;
  unreadCount: number;
  nextCursor: string | null;
};

/** GET /auth/notifications with `query`, as `client`. */
export async function inboxOf(client: TestClient, query = ""): Promise<InboxBody> {
  const response = await client.request(`/auth/notifications${query}`);
  if (response.status !== 200) throw new Error(`inbox: ${response.status} ${await response.text()}`);
  return (await response.json()) as InboxBody;
}

/** Row counts a refused notification request must leave as they were, and every read state. */
export async function notificationState(ctx: AuthTestContext) {
  return {
    tables: await ctx.snapshot(),
    notifications: await ctx.sql("SELECT id, read_at FROM notifications ORDER BY id"),
    preferences: await ctx.sql("SELECT user_id, theme, notification_channels FROM user_preferences ORDER BY user_id"),
    deliveries: await ctx.count("delivery_log"),
  };
}
