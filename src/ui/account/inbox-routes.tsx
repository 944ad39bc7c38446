// issue 15: the account page's inbox forms: mark one of the caller's notifications read, or all; back
// to the inbox on the overview (303). The same repository calls as the JSON routes.
import { Hono } from "hono";
import type { Database } from "../../db/client.ts";
import { recordAuditEvent } from "../../features/audit/service.ts";
import { markAllNotificationsRead, markNotificationRead } from "../../features/notifications/repository.ts";
import { NotificationId } from "../../features/notifications/schemas.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { clientInfo } from "../../http/auth-context.ts";
import { readForm } from "../form-body.ts";
import { seeOther } from "../render.tsx";
import { ACCOUNT_PATH, accountSession } from "./context.ts";
import { INBOX_PATH } from "./inbox-section.tsx";

const BACK = `${ACCOUNT_PATH}#notifications`;

export const accountInboxRoutes = new Hono<AppEnv>()
  .post(`${INBOX_PATH}/read-all`, async (c) => {
    await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const userId = auth.session.userId;
    const client = await clientInfo(c);
    await c.var.db().$transaction(async (tx) => {
      const count = await markAllNotificationsRead(tx as Database, { userId, now: new Date() });
      if (count > 0)
        await recordAuditEvent(tx as Database, {
          action: "notifications.read",
          success: true,
          userId,
          ...client,
          metadata: { count },
        });
    });
    return seeOther(c, BACK);
  })
  .post(`${INBOX_PATH}/:id/read`, async (c) => {
    await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const id = NotificationId.safeParse(c.req.param("id"));
    if (!id.success) throw new AppError("notification_not_found");
    const userId = auth.session.userId;
    const client = await clientInfo(c);
    const found = await c.var.db().$transaction(async (tx) => {
      const marked = await markNotificationRead(tx as Database, { userId, id: id.data, now: new Date() });
      if (marked === "marked")
        await recordAuditEvent(tx as Database, {
          action: "notifications.read",
          success: true,
          userId,
          ...client,
          metadata: { notificationId: id.data },
        });
      return marked !== "not_found";
    });
    if (!found) throw new AppError("notification_not_found");
    return seeOther(c, BACK);
  });
