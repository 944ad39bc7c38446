// The console's page of one user: profile, sign-in methods, sessions, tenants, platform roles, recent
// activity, and the forms that disable, enable, sign out, send a reset link, grant or remove roles and delete.
import type { PresentedUserDetail } from "../../features/admin/present.ts";
import { ErrorSummary, type FormState, Notice, PostForm } from "../components/form.tsx";
import { formatDateTime, Time } from "../components/time.tsx";
import type { View } from "../view.ts";
import { DeletionSection } from "./deletion-section.tsx";
import { DeliverySection } from "./delivery-section.tsx";
import { CONSOLE_PATH, userPagePath } from "./guard.tsx";
import { HistorySection } from "./history-section.tsx";

export type UserPageProps = {
  view: View;
  user: PresentedUserDetail;
  platformRoleKeys: string[];
  retentionDays: number;
  notice?: string;
  state: FormState;
};

const at = formatDateTime;

function ProfileList({ view, user }: { view: View; user: PresentedUserDetail }) {
  const f = view.t.admin.fields;
  const p = user.profile;
  const rows: Array<[string, string]> = [
    [f.email, p.email],
    [f.verified, p.emailVerified ? f.yes : f.no],
    [f.name, p.name ?? f.none],
    [f.phone, p.phone ?? f.none],
    [f.status, view.t.admin.statuses[p.status] ?? p.status],
    [f.created, at(view, p.createdAt)],
    [f.deleted, p.deletedAt ? at(view, p.deletedAt) : f.none],
  ];
  return (
    <dl>
      {rows.map(([term, value]) => (
        <div data-field={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function SessionsTable({ view, user }: { view: View; user: PresentedUserDetail }) {
  const a = view.t.admin;
  if (user.sessions.length === 0) return <p>{a.noSessions}</p>;
  const action = `${userPagePath(user.profile.id)}/sessions/revoke`;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{a.sessionColumns.created}</th>
          <th scope="col">{a.sessionColumns.lastSeen}</th>
          <th scope="col">{a.sessionColumns.device}</th>
          <th scope="col">{a.sessionColumns.state}</th>
        </tr>
      </thead>
      <tbody>
        {user.sessions.map((session) => (
          <tr data-session-id={session.id}>
            <td>
              <Time view={view} at={session.createdAt} />
            </td>
            <td>
              <Time view={view} at={session.lastSeenAt} />
            </td>
            <td>{session.userAgent ?? a.fields.none}</td>
            <td>
              {session.active ? (
                <PostForm action={action}>
                  <input type="hidden" name="session_id" value={session.id} />
                  <button type="submit" class="secondary" aria-label={`${a.revokeOne} ${session.id}`}>
                    {a.revokeOne}
                  </button>
                </PostForm>
              ) : (
                a.sessionEnded
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Actions({ view, user, platformRoleKeys }: Omit<UserPageProps, "state" | "notice" | "retentionDays">) {
  const a = view.t.admin;
  const base = userPagePath(user.profile.id);
  const grantable = platformRoleKeys.filter((key) => !user.platformRoles.includes(key));
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">{a.actions}</h2>
      {user.profile.status === "ACTIVE" ? (
        <PostForm action={`${base}/disable`}>
          <button type="submit">{a.disable}</button>
        </PostForm>
      ) : null}
      {user.profile.status === "DISABLED" ? (
        <PostForm action={`${base}/enable`}>
          <button type="submit">{a.enable}</button>
        </PostForm>
      ) : null}
      <PostForm action={`${base}/sessions/revoke`}>
        <button type="submit" class="secondary">
          {a.revokeAll}
        </button>
      </PostForm>
      <PostForm action={`${base}/password-reset`}>
        <button type="submit" class="secondary">
          {a.sendReset}
        </button>
      </PostForm>
      {grantable.length > 0 ? (
        <PostForm action={`${base}/platform-roles`}>
          <div class="field">
            <label for="role">{a.roleLabel}</label>
            <select id="role" name="role">
              {grantable.map((key) => (
                <option value={key}>{key}</option>
              ))}
            </select>
          </div>
          <button type="submit" class="secondary">
            {a.grantRole}
          </button>
        </PostForm>
      ) : null}
    </section>
  );
}

export function UserPage({ view, user, platformRoleKeys, retentionDays, notice, state }: UserPageProps) {
  const a = view.t.admin;
  const base = userPagePath(user.profile.id);
  return (
    <div class="card">
      <p>
        <a href={CONSOLE_PATH}>{a.backToUsers}</a>
      </p>
      <h1>{user.profile.email}</h1>
      {notice ? <Notice>{notice}</Notice> : null}
      <ErrorSummary view={view} state={state} />
      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">{a.profile}</h2>
        <ProfileList view={view} user={user} />
      </section>
      <Actions view={view} user={user} platformRoleKeys={platformRoleKeys} />
      <section aria-labelledby="factors-heading">
        <h2 id="factors-heading">{a.factors}</h2>
        <ul>
          <li>{user.factors.totp ? a.totpOn : a.totpOff}</li>
          <li>{a.passkeys(user.factors.passkeys.count, user.factors.passkeys.names.join(", "))}</li>
          <li>{a.recoveryCodes(user.factors.recoveryCodesLeft)}</li>
        </ul>
        <h3>{a.identities}</h3>
        {user.identities.length === 0 ? (
          <p>{a.noIdentities}</p>
        ) : (
          <ul>
            {user.identities.map((identity) => (
              <li>{`${identity.provider}: ${identity.email ?? a.fields.none} (${at(view, identity.linkedAt)})`}</li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{a.sessions}</h2>
        <SessionsTable view={view} user={user} />
      </section>
      <section aria-labelledby="roles-heading">
        <h2 id="roles-heading">{a.platformRoles}</h2>
        {user.platformRoles.length === 0 ? <p>{a.noPlatformRoles}</p> : null}
        <ul>
          {user.platformRoles.map((role) => (
            <li data-platform-role={role}>
              {role}
              <PostForm action={`${base}/platform-roles/remove`}>
                <input type="hidden" name="role" value={role} />
                <button type="submit" class="secondary">
                  {a.removeRole(role)}
                </button>
              </PostForm>
            </li>
          ))}
        </ul>
        <h3>{a.memberships}</h3>
        {user.memberships.length === 0 ? (
          <p>{a.noMemberships}</p>
        ) : (
          <ul>
            {user.memberships.map((membership) => (
              <li>{`${membership.tenant.name} (${membership.tenant.slug}): ${membership.roles.join(", ") || a.fields.none}`}</li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading">{a.recentAudit}</h2>
        {user.recentAudit.length === 0 ? (
          <p>{a.noAudit}</p>
        ) : (
          <ul>
            {user.recentAudit.map((event) => (
              <li
                data-audit-action={event.action}
              >{`${at(view, event.at)} · ${event.action}${event.success ? "" : " ✗"}`}</li>
            ))}
          </ul>
        )}
      </section>
      <HistorySection view={view} user={user} />
      <DeliverySection view={view} user={user} />
      <DeletionSection view={view} user={user} retentionDays={retentionDays} state={state} />
    </div>
  );
}
