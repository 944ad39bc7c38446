// issue 15: the account page's inbox: the latest notifications (unread ones marked), a mark-read form
// per unread item and one to mark all read; plain forms, Origin-checked like every page POST.
import type { NotificationView } from "../../features/notifications/repository.ts";
import { PostForm } from "../components/form.tsx";
import { Time } from "../components/time.tsx";
import type { View } from "../view.ts";

export const INBOX_PATH = "/auth/account/notifications";

export function InboxSection({
  view,
  inbox,
}: {
  view: View;
  inbox: { notifications: NotificationView[]; unreadCount: number };
}) {
  const t = view.t.notifications;
  return (
    <section aria-labelledby="notifications-heading" id="notifications" data-section="notifications">
      <h2 id="notifications-heading">{t.heading}</h2>
      {inbox.notifications.length === 0 ? (
        <p class="muted">{t.none}</p>
      ) : (
        <>
          <p class="muted" data-unread-count={String(inbox.unreadCount)}>
            {t.unread(inbox.unreadCount)}
          </p>
          <ul>
            {inbox.notifications.map((item) => (
              <li data-notification-id={item.id} data-unread={item.readAt === null ? "true" : "false"}>
                {item.readAt === null ? <strong>{`${t.unreadMark}: `}</strong> : null}
                {t.titles[item.type](item.data)} <Time view={view} at={item.createdAt} />
                {item.readAt === null ? (
                  <PostForm action={`${INBOX_PATH}/${item.id}/read`}>
                    <button type="submit" id={`read-${item.id}`}>
                      {t.markRead}
                    </button>
                  </PostForm>
                ) : null}
              </li>
            ))}
          </ul>
          {inbox.unreadCount > 0 ? (
            <PostForm action={`${INBOX_PATH}/read-all`}>
              <button type="submit" id="read-all-notifications">
                {t.markAllRead}
              </button>
            </PostForm>
          ) : null}
        </>
      )}
    </section>
  );
}
