// issue 15: the account page's notification channels: per type, a checkbox for the inbox and one for
// mail; a type whose event always mails its own security notice shows that mail as always on.
import {
  MAILED_BY_EVENT,
  NOTIFICATION_KINDS,
  type NotificationChannels,
} from "../../features/notifications/channels.ts";
import { PostForm } from "../components/form.tsx";
import type { View } from "../view.ts";

export const CHANNELS_PATH = "/auth/account/notification-channels";

/** The form field of one type's channel, e.g. `password_changed.email`. */
export const channelField = (kind: string, channel: "in_app" | "email") => `${kind}.${channel}`;

export function ChannelsSection({ view, channels }: { view: View; channels: NotificationChannels }) {
  const t = view.t.notifications.channels;
  return (
    <section aria-labelledby="channels-heading" id="notification-channels" data-section="notification-channels">
      <h2 id="channels-heading">{t.heading}</h2>
      <p class="muted">{t.hint}</p>
      <PostForm action={CHANNELS_PATH}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.kind}</th>
              <th scope="col">{t.inApp}</th>
              <th scope="col">{t.email}</th>
            </tr>
          </thead>
          <tbody>
            {NOTIFICATION_KINDS.map((kind) => {
              const always = MAILED_BY_EVENT.has(kind);
              return (
                <tr data-kind={kind}>
                  <th scope="row" id={`channel-${kind}`}>
                    {t.kinds[kind]}
                  </th>
                  <td>
                    <input
                      type="checkbox"
                      name={channelField(kind, "in_app")}
                      aria-label={`${t.kinds[kind]}: ${t.inApp}`}
                      checked={channels[kind].inApp}
                    />
                  </td>
                  <td>
                    {always ? (
                      <input
                        type="checkbox"
                        checked
                        disabled
                        aria-label={`${t.kinds[kind]}: ${t.email}. ${t.alwaysMailed}`}
                        title={t.alwaysMailed}
                      />
                    ) : (
                      <input
                        type="checkbox"
                        name={channelField(kind, "email")}
                        aria-label={`${t.kinds[kind]}: ${t.email}`}
                        checked={channels[kind].email}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button type="submit" id="save-notification-channels">
          {t.submit}
        </button>
      </PostForm>
    </section>
  );
}
