// The account overview: what it shows (loaded with the same queries as the JSON routes) and its layout.
import type { Database } from "../../db/client.ts";
import { type LoginHistoryEntry, listLoginHistory } from "../../features/history/repository.ts";
import {
  countUnreadNotifications,
  listNotifications,
  type NotificationView,
} from "../../features/notifications/repository.ts";
import { defaultPreferences } from "../../features/profile/service.ts";
import { listActiveSessions } from "../../features/session/repository.ts";
import type { AuthenticatedSession } from "../../http/app-env.ts";
import { type FormState, Notice } from "../components/form.tsx";
import type { View } from "../view.ts";
import { ChannelsSection } from "./channels-section.tsx";
import type { Done } from "./context.ts";
import { DeletionSection } from "./deletion-section.tsx";
import { ActivitySection, SessionsSection } from "./devices.tsx";
import { InboxSection } from "./inbox-section.tsx";
import { PreferencesSection } from "./profile-sections.tsx";
import { EmailSection, PasswordSection, PhoneSection, ProfileSection, SecuritySection } from "./sections.tsx";

/** How many sign-in attempts the overview lists. */
export const ACTIVITY_LIMIT = 10;

export type AccountUser = {
  email: string;
  emailVerified: boolean;
  name: string | null;
  username: string | null;
  avatarUrl: string | null;
  phoneNumber: string | null;
  phoneVerified: boolean;
  /** issue 15: why mail stopped going to `email` (`bounce`, `complaint`), null while it is deliverable. */
  emailUndeliverable: string | null;
};
export type AccountSessionRow = {
  id: string;
  current: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
};
export type AccountData = {
  user: AccountUser;
  sessions: AccountSessionRow[];
  activity: LoginHistoryEntry[];
  /** issue 15: the latest notifications and how many are unread. */
  inbox: { notifications: NotificationView[]; unreadCount: number };
};

/** How many notifications the overview lists. */
export const INBOX_LIMIT = 10;

/** The overview's data, or null when the session's user is gone. */
export async function loadAccount(db: Database, session: AuthenticatedSession, now: Date): Promise<AccountData | null> {
  const [user, sessions, activity, page, unreadCount] = await Promise.all([
    db.user.findUnique({ where: { id: session.userId } }),
    listActiveSessions(db, session.userId, now),
    listLoginHistory(db, session.userId, { limit: ACTIVITY_LIMIT, now }),
    listNotifications(db, session.userId, { limit: INBOX_LIMIT, unreadOnly: false }),
    countUnreadNotifications(db, session.userId),
  ]);
  if (!user) return null;
  return {
    user: {
      email: user.email,
      emailVerified: user.emailVerifiedAt !== null,
      name: user.name,
      username: user.username,
      avatarUrl: user.image,
      phoneNumber: user.phoneNumber,
      phoneVerified: user.phoneVerifiedAt !== null,
      emailUndeliverable: user.emailUndeliverableAt ? (user.emailUndeliverableReason ?? "") : null,
    },
    sessions: sessions.map((row) => ({
      id: row.id,
      current: row.id === session.sessionId,
      createdAt: row.createdAt,
      lastSeenAt: row.lastSeenAt,
      userAgent: row.userAgent,
    })),
    activity,
    inbox: { notifications: page.notifications, unreadCount },
  };
}

/** Which of the overview's forms failed, with what it shows again. */
export type FailedForm = {
  form: "name" | "profile" | "preferences" | "phone" | "password" | "sessions";
  state: FormState;
};

export type AccountPageProps = {
  view: View;
  data: AccountData;
  done: Done | undefined;
  failed: FailedForm | undefined;
  passwordMinLength: number;
  retentionDays: number;
};

export function AccountPage({ view, data, done, failed, passwordMinLength, retentionDays }: AccountPageProps) {
  const { t } = view;
  const stateOf = (form: FailedForm["form"]) => (failed?.form === form ? failed.state : undefined);
  return (
    <div class="card">
      <h1>{t.account.heading}</h1>
      <p class="muted">{t.account.signedInAs(data.user.email)}</p>
      {done ? <Notice>{t.account.done[done]}</Notice> : null}
      <ProfileSection view={view} user={data.user} state={stateOf("name")} handleState={stateOf("profile")} />
      <EmailSection view={view} user={data.user} />
      <PhoneSection view={view} user={data.user} state={stateOf("phone")} />
      <PasswordSection view={view} state={stateOf("password")} minLength={passwordMinLength} />
      <SecuritySection view={view} />
      <PreferencesSection
        view={view}
        preferences={view.preferences ?? defaultPreferences()}
        state={stateOf("preferences")}
      />
      <InboxSection view={view} inbox={data.inbox} />
      <ChannelsSection view={view} channels={(view.preferences ?? defaultPreferences()).notifications} />
      <SessionsSection view={view} sessions={data.sessions} state={stateOf("sessions")} />
      <ActivitySection view={view} activity={data.activity} />
      <DeletionSection view={view} retentionDays={retentionDays} />
      <p>
        <a href="/auth/sign-out" id="sign-out">
          {t.account.signOut}
        </a>
      </p>
    </div>
  );
}
