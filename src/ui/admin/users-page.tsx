// The console's users list: a search form (email or name, status) and a next-page link.
import { ErrorSummary, type FormState, Notice } from "../components/form.tsx";
import { Time } from "../components/time.tsx";
import type { View } from "../view.ts";
import { CONSOLE_PATH, userPagePath } from "./guard.tsx";

export type UserRow = { id: string; email: string; name: string | null; status: string; createdAt: Date };

export type UsersPageProps = {
  view: View;
  users: UserRow[];
  query: { q: string; status: string };
  nextPath: string | null;
  notice?: string;
  state: FormState;
};

export function UsersPage({ view, users, query, nextPath, notice, state }: UsersPageProps) {
  const { t } = view;
  const a = t.admin;
  return (
    <div class="card">
      <h1>{a.usersHeading}</h1>
      {notice ? <Notice>{notice}</Notice> : null}
      <ErrorSummary view={view} state={state} />
      <form method="get" action={CONSOLE_PATH}>
        <div class="field">
          <label for="q">{a.search.label}</label>
          <p class="hint" id="q-hint">
            {a.search.hint}
          </p>
          <input id="q" name="q" type="search" value={query.q} maxlength={254} aria-describedby="q-hint" />
        </div>
        <div class="field">
          <label for="status">{a.search.status}</label>
          <select id="status" name="status">
            <option value="" selected={query.status === ""}>
              {a.search.anyStatus}
            </option>
            {Object.entries(a.statuses).map(([value, label]) => (
              <option value={value} selected={query.status === value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{a.search.submit}</button>
      </form>
      {users.length === 0 ? (
        <p>{a.noUsers}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{a.columns.email}</th>
              <th scope="col">{a.columns.name}</th>
              <th scope="col">{a.columns.status}</th>
              <th scope="col">{a.columns.created}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr data-user-id={user.id}>
                <td>
                  <a href={userPagePath(user.id)}>{user.email}</a>
                </td>
                <td>{user.name ?? a.fields.none}</td>
                <td data-status={user.status}>{a.statuses[user.status] ?? user.status}</td>
                <td>
                  <Time view={view} at={user.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextPath ? (
        <p>
          <a href={nextPath} rel="next">
            {a.nextPage}
          </a>
        </p>
      ) : null}
    </div>
  );
}
