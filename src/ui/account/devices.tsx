// The overview's sessions-and-devices table (revoke one, revoke the others) and recent sign-in activity.
import { type LoginHistoryEntry, presentLoginHistoryEntry } from "../../features/history/repository.ts";
import { ErrorSummary, type FormState, PostForm } from "../components/form.tsx";
import { Time } from "../components/time.tsx";
import { HistoryTable } from "../history/history-table.tsx";
import type { View } from "../view.ts";
import type { AccountSessionRow } from "./overview.tsx";
import { describeUserAgent } from "./user-agent.ts";

function deviceName(view: View, userAgent: string | null): string {
  const device = describeUserAgent(userAgent);
  return device ? view.t.account.deviceOn(device.browser, device.os) : view.t.account.unknownDevice;
}

export function SessionsSection({
  view,
  sessions,
  state,
}: {
  view: View;
  sessions: AccountSessionRow[];
  state: FormState | undefined;
}) {
  const { t } = view;
  const others = sessions.filter((session) => !session.current);
  return (
    <section aria-labelledby="sessions-heading" id="sessions" data-section="sessions">
      <h2 id="sessions-heading">{t.account.sessions.heading}</h2>
      <p>{t.account.sessions.intro}</p>
      {state ? <ErrorSummary view={view} state={state} /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t.account.sessions.device}</th>
            <th scope="col">{t.account.sessions.created}</th>
            <th scope="col">{t.account.sessions.lastUsed}</th>
            <th scope="col">
              <span class="muted">{t.account.sessions.revoke}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => {
            const device = deviceName(view, session.userAgent);
            return (
              <tr data-session-id={session.id} data-current={session.current ? "true" : undefined}>
                <td>
                  {device}
                  {session.current ? <strong class="current-session"> ({t.account.sessions.current})</strong> : null}
                </td>
                <td>
                  <Time view={view} at={session.createdAt} />
                </td>
                <td>
                  <Time view={view} at={session.lastSeenAt} />
                </td>
                <td>
                  {session.current ? null : (
                    <PostForm action="/auth/account/sessions/revoke">
                      <input type="hidden" name="session_id" value={session.id} />
                      <button
                        type="submit"
                        class="secondary"
                        aria-label={t.account.sessions.revokeLabel(device)}
                        data-revoke-session={session.id}
                      >
                        {t.account.sessions.revoke}
                      </button>
                    </PostForm>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {others.length > 0 ? (
        <PostForm action="/auth/account/sessions/revoke-others">
          <button type="submit" class="danger" id="revoke-other-sessions">
            {t.account.sessions.revokeOthers}
          </button>
        </PostForm>
      ) : (
        <p class="muted">{t.account.sessions.none}</p>
      )}
    </section>
  );
}

export function ActivitySection({ view, activity }: { view: View; activity: LoginHistoryEntry[] }) {
  const { t } = view;
  return (
    <section aria-labelledby="activity-heading" id="activity" data-section="activity">
      <h2 id="activity-heading">{t.account.activity.heading}</h2>
      {activity.length === 0 ? (
        <p class="muted">{t.account.activity.none}</p>
      ) : (
        <HistoryTable view={view} entries={activity.map(presentLoginHistoryEntry)} />
      )}
    </section>
  );
}
