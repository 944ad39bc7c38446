// /auth/account/deletion: the delete-account page (explains the retention, asks for DELETE), behind the
// same step-up as POST /auth/account/delete, and the same softDeleteUser service.
import type { Context } from "hono";
import { Hono } from "hono";
import { DELETE_CONFIRMATION, lifecycleDependencies } from "../../features/lifecycle/routes.ts";
import { softDeleteUser } from "../../features/lifecycle/service.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { clientInfo } from "../../http/auth-context.ts";
import { clearSessionCookies } from "../../http/cookies.ts";
import { stepUpError } from "../account-security/guard.ts";
import { Field, type FormState } from "../components/form.tsx";
import { formatDateTime } from "../components/time.tsx";
import { readForm } from "../form-body.ts";
import { type PageOptions, renderPage } from "../render.tsx";
import type { View } from "../view.ts";
import { accountSession, reauthenticateLocation } from "./context.ts";
import { StepPage } from "./step-page.tsx";

const DELETION_PATH = "/auth/account/deletion";

/** The session once it may delete the account: recent, and with the second factor when one is on. */
async function steppedUpSession(
  c: Context<AppEnv>,
): Promise<{ session: AuthenticatedSession } | { redirect: Response }> {
  const auth = await accountSession(c);
  if ("redirect" in auth) return auth;
  if (!(await stepUpError(c, auth.session, "recent+second_factor"))) return auth;
  return { redirect: c.redirect(reauthenticateLocation(DELETION_PATH), c.req.method === "GET" ? 302 : 303) };
}

function showDeletionForm(c: Context<AppEnv>, state: (view: View) => FormState, status: PageOptions["status"] = 200) {
  const days = c.var.config.deletedUserRetentionDays;
  return renderPage(c, { title: ({ t }) => t.account.deletion.title, status }, (view) => (
    <StepPage
      view={view}
      heading={view.t.account.deletion.title}
      intro={view.t.account.deletion.pageIntro(days)}
      action={DELETION_PATH}
      state={state(view)}
      submit={view.t.account.deletion.submit}
    >
      <Field
        name="confirm"
        label={view.t.account.deletion.confirmLabel}
        hint={view.t.account.deletion.confirmHint}
        autocomplete="off"
        state={state(view)}
        maxlength={64}
      />
    </StepPage>
  ));
}

export const accountDeletionRoutes = new Hono<AppEnv>()
  .get(DELETION_PATH, async (c) => {
    const auth = await steppedUpSession(c);
    if ("redirect" in auth) return auth.redirect;
    return showDeletionForm(c, () => ({}));
  })
  .post(DELETION_PATH, async (c) => {
    const fields = await readForm(c);
    const auth = await steppedUpSession(c);
    if ("redirect" in auth) return auth.redirect;
    const values = { confirm: fields.confirm ?? "" };
    if (values.confirm !== DELETE_CONFIRMATION) {
      return showDeletionForm(c, ({ t }) => ({ values, errors: { confirm: t.account.deletion.mismatch } }), 400);
    }
    const result = await softDeleteUser(await lifecycleDependencies(c), {
      userId: auth.session.userId,
      actorId: null,
      client: await clientInfo(c),
    });
    if (result.kind === "last_owner") {
      const tenant = result.tenantSlug;
      return showDeletionForm(c, ({ t }) => ({ values, formError: t.account.deletion.lastOwner(tenant) }), 409);
    }
    if (result.kind === "last_admin") {
      return showDeletionForm(c, ({ t }) => ({ values, formError: t.account.deletion.lastAdmin }), 409);
    }
    // Not active any more (deleted in another tab): its sessions are gone, so the page session was too.
    if (result.kind !== "deleted") return c.redirect("/auth/sign-in", 303);
    clearSessionCookies(c);
    const scrubOn = result.scrubOn;
    return renderPage(c, { title: ({ t }) => t.account.deletion.deletedTitle }, (view) => (
      <div class="card">
        <h1>{view.t.account.deletion.deletedTitle}</h1>
        <p id="deleted-notice">{view.t.account.deletion.deleted(formatDateTime(view, scrubOn))}</p>
        <p>
          <a href="/auth/forgot-password">{view.t.account.deletion.resetLink}</a>
        </p>
      </div>
    ));
  });
