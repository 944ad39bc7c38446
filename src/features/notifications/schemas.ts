// The inbox's query (unread filter, page size, cursor) and the opaque keyset cursor.
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import { z } from "zod";
import { NOTIFICATION_KINDS } from "./channels.ts";

export const NOTIFICATIONS_MAX_LIMIT = 100;

/** A page boundary: the last shown notification's creation time and id. */
export type NotificationCursor = { createdAt: Date; id: string };

const CURSOR_SHAPE = /^(\d{1,15})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** base64url of `<created_at in ms>.<id>`: opaque to clients, checked strictly when it comes back. */
export const encodeNotificationCursor = (cursor: NotificationCursor) =>
  encodeBase64urlNoPadding(new TextEncoder().encode(`${cursor.createdAt.getTime()}.${cursor.id}`));

function decodeCursor(value: string): NotificationCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(value)) return undefined;
  let text: string;
  try {
    text = new TextDecoder().decode(decodeBase64urlIgnorePadding(value));
  } catch {
    return undefined;
  }
  const match = CURSOR_SHAPE.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}

/** `GET /auth/notifications?unread=true&cursor=…&limit=…`: unknown parameters are refused, not ignored. */
export const NotificationsQuery = z.strictObject({
  unread: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
  limit: z.coerce.number().int().min(1).max(NOTIFICATIONS_MAX_LIMIT).default(20),
  cursor: z
    .string()
    .transform((value, ctx) => {
      const cursor = decodeCursor(value);
      if (!cursor) {
        ctx.addIssue({ code: "custom", message: "must be a nextCursor this route answered" });
        return z.NEVER;
      }
      return cursor;
    })
    .optional(),
});

/** A notification id in a path: a UUID, else the route answers 404 as for someone else's. */
export const NotificationId = z.uuid();
export const NotificationIdParams = z.object({ id: NotificationId });

// The documented shapes of the inbox's answers (repository.ts's NotificationView).
const Notification = z.object({
  id: z.uuid(),
  type: z.enum(NOTIFICATION_KINDS),
  data: z
    .record(z.string(), z.unknown())
    .meta({ description: "Display facts of the event (a device summary, a provider, a tenant name)." }),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
});
const UnreadCount = z.int().nonnegative();
export const NotificationsResponse = z.object({
  notifications: z.array(Notification),
  unreadCount: UnreadCount,
  nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last." }),
});
export const MarkReadResponse = z.object({ unreadCount: UnreadCount });
export const MarkAllReadResponse = z.object({ marked: UnreadCount, unreadCount: z.literal(0) });
