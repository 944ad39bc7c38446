// GET /auth/notifications (the caller's inbox, newest first, keyset-paged), POST
// /auth/notifications/:id/read and POST /auth/notifications/read-all. Session required; cookie
// callers pass the /auth/* Origin check (app.ts) like every unsafe route.
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { describeSessionRoute } from "../../http/openapi/describe.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { requireSession } from "../session/middleware.ts";
import {
  countUnreadNotifications,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from "./repository.ts";
import {
  encodeNotificationCursor,
  MarkAllReadResponse,
  MarkReadResponse,
  NotificationId,
  NotificationIdParams,
  NotificationsQuery,
  NotificationsResponse,
} from "./schemas.ts";

const doc = {
  list: describeSessionRoute({
    operationId: "listNotifications",
    tag: "notifications",
    summary: "The user's notifications, newest first, keyset-paged, with the unread count",
    query: NotificationsQuery,
    responses: { 200: NotificationsResponse },
    errors: ["invalid_request"],
  }),
  readAll: describeSessionRoute({
    operationId: "markAllNotificationsRead",
    tag: "notifications",
    summary: "Mark every unread notification read",
    responses: { 200: MarkAllReadResponse },
  }),
  read: describeSessionRoute({
    operationId: "markNotificationRead",
    tag: "notifications",
    summary: "Mark one notification read (again: it keeps its first read time)",
    params: NotificationIdParams,
    responses: { 200: MarkReadResponse },
    errors: ["notification_not_found"],
  }),
};

export const notificationRoutes = new Hono<AppEnv>()
  .get("/auth/notifications", doc.list, requireSession(), async (c) => {
    const query = NotificationsQuery.safeParse(c.req.query());
    if (!query.success)
      throw new AppError("invalid_request", {
        fields: query.error.issues.map((issue) => ({ path: issue.path.join(".") || "query", message: issue.message })),
      });
    const db = c.var.db();
    const userId = c.var.session.userId;
    const [page, unreadCount] = await Promise.all([
      listNotifications(db, userId, {
        limit: query.data.limit,
        unreadOnly: query.data.unread,
        cursor: query.data.cursor,
      }),
      countUnreadNotifications(db, userId),
    ]);
    c.header("Cache-Control", "no-store");
    return c.json({
      notifications: page.notifications,
      unreadCount,
      nextCursor: page.nextCursor ? encodeNotificationCursor(page.nextCursor) : null,
    });
  })
  .post("/auth/notifications/read-all", doc.readAll, requireSession(), async (c) => {
    const deps = await authDependencies(c);
    const userId = c.var.session.userId;
    const marked = await deps.db.$transaction(async (tx) => {
      const count = await markAllNotificationsRead(tx as typeof deps.db, { userId, now: deps.now });
      if (count > 0)
        await recordAuditEvent(tx as typeof deps.db, {
          action: "notifications.read",
          success: true,
          userId,
          ...(await clientInfo(c)),
          metadata: { count },
        });
      return count;
    });
    c.header("Cache-Control", "no-store");
    return c.json({ marked, unreadCount: 0 });
  })
  .post("/auth/notifications/:id/read", doc.read, requireSession(), async (c) => {
    const id = NotificationId.safeParse(c.req.param("id"));
    // A malformed id answers exactly as someone else's: nobody learns which ids exist.
    if (!id.success) throw new AppError("notification_not_found");
    const deps = await authDependencies(c);
    const userId = c.var.session.userId;
    const client = await clientInfo(c);
    const found = await deps.db.$transaction(async (tx) => {
      const marked = await markNotificationRead(tx as typeof deps.db, { userId, id: id.data, now: deps.now });
      if (marked === "marked")
        await recordAuditEvent(tx as typeof deps.db, {
          action: "notifications.read",
          success: true,
          userId,
          ...client,
          metadata: { notificationId: id.data },
        });
      return marked !== "not_found";
    });
    if (!found) throw new AppError("notification_not_found");
    c.header("Cache-Control", "no-store");
    return c.json({ unreadCount: await countUnreadNotifications(deps.db, userId) });
  });
