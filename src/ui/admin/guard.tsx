// Who may open the admin console: the API's rule (PLATFORM_ADMIN in the token and the database, a
// second factor proven, a recent sign-in), answered as pages — sign-in, a 403 page, or step-up.
import type { Context } from "hono";
import { holdsPlatformAdmin } from "../../features/admin/guard.ts";
import { stepUpShortfall } from "../../features/session/step-up.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { pageSession } from "../page-session.ts";
import { renderPage } from "../render.tsx";

export const CONSOLE_PATH = "/auth/admin";
export const userPagePath = (userId: string) => `${CONSOLE_PATH}/users/${userId}`;

function forbiddenPage(c: Context<AppEnv>): Promise<Response> {
  return renderPage(c, { title: ({ t }) => t.admin.forbiddenTitle, status: 403 }, ({ t }) => (
    <div class="card">
      <h1>{t.admin.forbiddenTitle}</h1>
      <p data-error-code="forbidden">{t.admin.forbidden}</p>
      <p>
        <a href="/auth/account">{t.account.title}</a>
      </p>
    </div>
  ));
}

/**
 * The console's session, or the answer instead: sign-in (coming back to `returnTo`), 403 without the
 * role, /auth/reauthenticate?return_to=… without a fresh sign-in that proved a second factor.
 */
export async function consoleAdmin(
  c: Context<AppEnv>,
  returnTo: string,
): Promise<{ session: AuthenticatedSession } | { response: Response }> {
  // A form POST's answer must be followed with a GET.
  const redirectStatus = c.req.method === "GET" ? 302 : 303;
  const session = await pageSession(c);
  if (!session)
    return { response: c.redirect(`/auth/sign-in?return_to=${encodeURIComponent(returnTo)}`, redirectStatus) };
  if (!(await holdsPlatformAdmin(c.var.db(), session))) return { response: await forbiddenPage(c) };
  const policy = { maxAgeSeconds: c.var.config.reauthMaxAgeSeconds, amr: ["mfa"] };
  if (stepUpShortfall(session, policy, Math.floor(Date.now() / 1000))) {
    return { response: c.redirect(`/auth/reauthenticate?return_to=${encodeURIComponent(returnTo)}`, redirectStatus) };
  }
  return { session };
}
