// GET and POST /auth/sign-up: the form, then the same signUp service and signup mail as POST /auth/signup.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { normalizeEmail } from "../../features/account/email.ts";
import { normalizePassword, PASSWORD_MAX_LENGTH } from "../../features/account/password-policy.ts";
import { DisplayName } from "../../features/account/schemas.ts";
import { signUp } from "../../features/account/service.ts";
import { sendSignUpMail } from "../../features/account/sign-up-mail.ts";
import { deliverTokens } from "../../features/session/respond.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import type { FormState } from "../components/form.tsx";
import { providerChoicesOf } from "../components/provider-links.tsx";
import { readForm } from "../form-body.ts";
import { pageSession, returnToOf } from "../page-session.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import { rememberAddressToVerify, verifyEmailLocation } from "../verify-email/flow.ts";
import type { View } from "../view.ts";
import { SignUpPage } from "./page.tsx";

const Email = z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254));
const SignUpForm = z.object({
  name: z.union([z.literal("").transform(() => null), DisplayName]).default(null),
  email: Email,
  password: z
    .string()
    .min(1)
    .max(PASSWORD_MAX_LENGTH * 4)
    .transform(normalizePassword),
});

function formErrors(view: View, fields: Record<string, string>): FormState["errors"] {
  const errors: Record<string, string> = {};
  if (!SignUpForm.shape.name.safeParse(fields.name ?? "").success) errors.name = view.t.signUp.invalidName;
  if (!fields.email) errors.email = view.t.common.required(view.t.common.email);
  else if (!Email.safeParse(fields.email).success) errors.email = view.t.common.invalidEmail;
  if (!fields.password) errors.password = view.t.common.required(view.t.common.password);
  else if (!SignUpForm.shape.password.safeParse(fields.password).success)
    errors.password = view.t.signUp.passwordProblems.too_long(PASSWORD_MAX_LENGTH);
  return errors;
}

function show(
  c: Context<AppEnv>,
  returnTo: string,
  state: FormState | ((view: View) => FormState),
  status: PageOptions["status"] = 200,
) {
  return renderPage(c, { title: ({ t }) => t.signUp.title, status }, (view) => (
    <SignUpPage
      view={view}
      state={typeof state === "function" ? state(view) : state}
      returnTo={returnTo}
      minLength={c.var.config.passwordMinLength}
      providers={providerChoicesOf(c.var.config)}
    />
  ));
}

export const signUpRoutes = new Hono<AppEnv>()
  .get("/auth/sign-up", async (c) => {
    const returnTo = returnToOf(c.req.query("return_to"));
    if (await pageSession(c)) return c.redirect(returnTo, 302);
    return show(c, returnTo, {});
  })
  .post("/auth/sign-up", async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    const values = { name: fields.name ?? "", email: fields.email ?? "" };
    const parsed = SignUpForm.safeParse(fields);
    if (!parsed.success) return show(c, returnTo, (view) => ({ values, errors: formErrors(view, fields) }), 400);
    const { email, password, name } = parsed.data;
    const deps = { ...(await authDependencies(c)), accountSettings: c.var.config };
    const client = await clientInfo(c);
    const result = await signUp(deps, { email, password, name, client });
    switch (result.kind) {
      case "weak_password": {
        const min = result.problem === "too_long" ? PASSWORD_MAX_LENGTH : c.var.config.passwordMinLength;
        return show(
          c,
          returnTo,
          ({ t }) => {
            const problem = t.signUp.passwordProblems[result.problem];
            return { values, errors: { password: typeof problem === "function" ? problem(min) : problem } };
          },
          400,
        );
      }
      case "throttled":
        c.header("Retry-After", String(result.retryAfterSeconds));
        return show(
          c,
          returnTo,
          ({ t }) => ({ values, formError: t.common.tooManyAttempts(result.retryAfterSeconds) }),
          429,
        );
      case "locked":
        return show(c, returnTo, ({ t }) => ({ values, formError: t.common.accountLocked }), 423);
    }
    // After the response, for a new and a taken address alike, as POST /auth/signup does (H3).
    c.var.defer(() => sendSignUpMail(deps, c.var.config, { email, newUserId: result.newUserId, client, returnTo }));
    if (result.kind === "signed_in") {
      deliverTokens(c, result.tokens, "browser", deps.now);
      return seeOther(c, returnTo);
    }
    // The same redirect and page for a new and a taken address: only the mailbox learns which it was.
    rememberAddressToVerify(c, email);
    return seeOther(c, verifyEmailLocation(returnTo));
  });
