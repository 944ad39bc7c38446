// issue 15: a user's sign-in history on the console's user page (the same table as the account page's).
import type { PresentedUserDetail } from "../../features/admin/present.ts";
import { HistoryTable } from "../history/history-table.tsx";
import type { View } from "../view.ts";

export function HistorySection({ view, user }: { view: View; user: PresentedUserDetail }) {
  const h = view.t.history;
  return (
    <section aria-labelledby="login-history-heading" data-section="login-history">
      <h2 id="login-history-heading">{h.adminHeading}</h2>
      {user.loginHistory.length === 0 ? <p>{h.adminNone}</p> : <HistoryTable view={view} entries={user.loginHistory} />}
    </section>
  );
}
