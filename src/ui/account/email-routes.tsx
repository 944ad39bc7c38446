// /auth/account/email: a new address, then the code sent to it — the same services and the same
// step-up as POST /auth/email/change/request and POST /auth/email/change.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { normalizeEmail } from "../../features/account/email.ts";
import { confirmEmailChange, requestEmailChange } from "../../features/verification/contact.ts";
import { EMAIL_CODE_TTL_SECONDS } from "../../features/verification/service.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { clientInfo } from "../../http/auth-context.ts";
import { stepUpError } from "../account-security/guard.ts";
import { Field, type FormState } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import { accountSession, CodeField, contactDependencies, doneLocation, reauthenticateLocation } from "./context.ts";
import { StepPage } from "./step-page.tsx";

const EMAIL_PATH = "/auth/account/email";
const CONFIRM_PATH = "/auth/account/email/confirm";

const EmailField = z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254));

type Status = PageOptions["status"];
type StateOf = (view: View) => FormState;

/**
 * The session, once it may change the address: a sign-in too old, or a missing second factor when
 * two-step sign-in is on, goes to /auth/reauthenticate first, exactly where the API answers 401.
 */
async function steppedUpSession(
  c: Context<AppEnv>,
  returnTo: string,
): Promise<{ session: AuthenticatedSession } | { redirect: Response }> {
  const auth = await accountSession(c);
  if ("redirect" in auth) return auth;
  // The same checks as requireRecentAuthentication() + requireSecondFactorWhenEnabled() on the JSON routes.
  const shortfall = await stepUpError(c, auth.session, "recent+second_factor");
  if (!shortfall) return auth;
  return { redirect: c.redirect(reauthenticateLocation(returnTo), c.req.method === "GET" ? 302 : 303) };
}

function showEmailForm(c: Context<AppEnv>, state: StateOf, status: Status = 200) {
  return renderPage(c, { title: ({ t }) => t.account.email.changeTitle, status }, (view) => (
    <StepPage
      view={view}
      heading={view.t.account.email.changeTitle}
      intro={view.t.account.email.changeIntro}
      action={EMAIL_PATH}
      state={state(view)}
      submit={view.t.account.email.send}
    >
      <Field
        name="email"
        type="email"
        label={view.t.account.email.newEmail}
        autocomplete="email"
        state={state(view)}
        maxlength={320}
      />
    </StepPage>
  ));
}

function showCodeForm(c: Context<AppEnv>, state: StateOf, status: Status = 200) {
  return renderPage(c, { title: ({ t }) => t.account.email.confirmTitle, status }, (view) => (
    <StepPage
      view={view}
      heading={view.t.account.email.confirmTitle}
      intro={view.t.account.email.confirmIntro(EMAIL_CODE_TTL_SECONDS / 60)}
      action={CONFIRM_PATH}
      state={state(view)}
      submit={view.t.account.email.confirm}
      extra={{ href: EMAIL_PATH, label: view.t.account.email.startAgain }}
    >
      <Field
        name="code"
        label={view.t.account.email.code}
        autocomplete="one-time-code"
        inputmode="numeric"
        state={state(view)}
        maxlength={12}
        secret
      />
    </StepPage>
  ));
}

export const accountEmailRoutes = new Hono<AppEnv>()
  .get(EMAIL_PATH, async (c) => {
    const auth = await steppedUpSession(c, EMAIL_PATH);
    if ("redirect" in auth) return auth.redirect;
    return showEmailForm(c, () => ({}));
  })
  .post(EMAIL_PATH, async (c) => {
    const fields = await readForm(c);
    const auth = await steppedUpSession(c, EMAIL_PATH);
    if ("redirect" in auth) return auth.redirect;
    const values = { email: fields.email ?? "" };
    const parsed = EmailField.safeParse(values.email);
    if (!parsed.success) {
      const error = (view: View) =>
        values.email ? view.t.common.invalidEmail : view.t.common.required(view.t.account.email.newEmail);
      return showEmailForm(c, (view) => ({ values, errors: { email: error(view) } }), 400);
    }
    const deps = await contactDependencies(c);
    const current = await deps.db.user.findUnique({ where: { id: auth.session.userId }, select: { email: true } });
    if (current?.email === parsed.data) {
      return showEmailForm(c, ({ t }) => ({ values, errors: { email: t.account.email.sameAddress } }), 400);
    }
    const result = await requestEmailChange(deps, {
      userId: auth.session.userId,
      newEmail: parsed.data,
      limitHash: (await clientInfo(c)).limitHash,
    });
    if (result.kind === "throttled") {
      c.header("Retry-After", String(result.retryAfterSeconds));
      return showEmailForm(
        c,
        ({ t }) => ({ values, formError: t.common.tooManyAttempts(result.retryAfterSeconds) }),
        429,
      );
    }
    // A taken address is answered the same way, and its (absent) mail goes out after the response too.
    c.var.defer(() => result.delivery);
    return seeOther(c, CONFIRM_PATH);
  })
  .get(CONFIRM_PATH, async (c) => {
    const auth = await steppedUpSession(c, CONFIRM_PATH);
    if ("redirect" in auth) return auth.redirect;
    return showCodeForm(c, () => ({}));
  })
  .post(CONFIRM_PATH, async (c) => {
    const fields = await readForm(c);
    const auth = await steppedUpSession(c, CONFIRM_PATH);
    if ("redirect" in auth) return auth.redirect;
    const code = CodeField.safeParse(fields.code ?? "");
    if (!code.success) {
      const error = ({ t }: View) => (fields.code ? t.account.email.invalidCode : t.common.required(t.common.code));
      return showCodeForm(c, (view) => ({ errors: { code: error(view) } }), 400);
    }
    const result = await confirmEmailChange(await contactDependencies(c), {
      userId: auth.session.userId,
      code: code.data,
      client: await clientInfo(c),
    });
    if (result.kind === "throttled") {
      c.header("Retry-After", String(result.retryAfterSeconds));
      return showCodeForm(c, ({ t }) => ({ formError: t.common.tooManyAttempts(result.retryAfterSeconds) }), 429);
    }
    if (result.kind === "invalid") {
      return showCodeForm(c, ({ t }) => ({ errors: { code: t.account.email.invalidCode } }), 400);
    }
    return seeOther(c, doneLocation("email"));
  });
