// Renders the account overview, fresh from the database, with a success notice or one failed form.
import type { Context } from "hono";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { authDependencies } from "../../http/auth-context.ts";
import { signInLocation } from "../page-session.ts";
import { type PageOptions, renderPage } from "../render.tsx";
import type { View } from "../view.ts";
import type { Done } from "./context.ts";
import { AccountPage, type FailedForm, loadAccount } from "./overview.tsx";

export type Failure = { failed: (view: View) => FailedForm; status: PageOptions["status"] };

/** The overview page (status 200, or the failure's). */
export async function showOverview(
  c: Context<AppEnv>,
  session: AuthenticatedSession,
  options: { done?: Done; failure?: Failure } = {},
): Promise<Response> {
  const deps = await authDependencies(c);
  const data = await loadAccount(deps.db, session, deps.now);
  if (!data) return c.redirect(signInLocation(c), 302);
  const { failure } = options;
  return renderPage(c, { title: ({ t }) => t.account.title, wide: true, status: failure?.status }, (view) => (
    <AccountPage
      view={view}
      data={data}
      done={options.done}
      failed={failure?.failed(view)}
      passwordMinLength={c.var.config.passwordMinLength}
      retentionDays={c.var.config.deletedUserRetentionDays}
    />
  ));
}
