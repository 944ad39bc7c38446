// GET and POST /auth/sign-in: the form, then the same logIn service as POST /auth/login; and a
// usernameless passkey sign-in (POST /auth/sign-in/passkey and its options), as POST /auth/passkeys/login.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { normalizeEmail } from "../../features/account/email.ts";
import { logIn } from "../../features/account/log-in.ts";
import { deferNewDeviceNotice } from "../../features/account/notices.ts";
import { normalizePassword, PASSWORD_MAX_LENGTH } from "../../features/account/password-policy.ts";
import { MFA_CHALLENGE_TTL_SECONDS } from "../../features/mfa/challenge.ts";
import { usernamelessAssertionOptions } from "../../features/passkeys/assertion.ts";
import { signInWithPasskey } from "../../features/passkeys/service.ts";
import { deliverTokens } from "../../features/session/respond.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { FLOW_COOKIES, setFlowCookie } from "../../http/cookies.ts";
import { passkeyScriptAsset } from "../assets/registry.ts";
import type { FormState } from "../components/form.tsx";
import { providerChoicesOf } from "../components/provider-links.tsx";
import { readForm } from "../form-body.ts";
import { pageSession, returnToOf } from "../page-session.ts";
import { pagePasskeyOptionsDocs as docs } from "../passkey-options-docs.ts";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import { beginOptionsRoute, mfaDependencies, optionsResponse, passkeyResponseOf } from "../passkey-pages.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import { oauthErrorMessage } from "./oauth-error.ts";
import { SignInPage } from "./page.tsx";

/** The cookie that carries a sign-in's second-factor challenge to /auth/two-factor. */
export const MFA_CHALLENGE_COOKIE = FLOW_COOKIES.mfaChallenge;

const SignInForm = z.object({
  email: z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254)),
  password: z
    .string()
    .min(1)
    .max(PASSWORD_MAX_LENGTH * 4)
    .transform(normalizePassword),
  return_to: z.string().optional(),
});

function formErrors(view: View, fields: Record<string, string>): FormState["errors"] {
  const errors: Record<string, string> = {};
  if (!fields.email) errors.email = view.t.common.required(view.t.common.email);
  else if (!SignInForm.shape.email.safeParse(fields.email).success) errors.email = view.t.common.invalidEmail;
  if (!fields.password) errors.password = view.t.common.required(view.t.common.password);
  return errors;
}

async function show(
  c: Context<AppEnv>,
  returnTo: string,
  state: FormState | ((view: View) => FormState),
  status: PageOptions["status"] = 200,
) {
  const script = (await passkeyScriptAsset()).path;
  return renderPage(c, { title: ({ t }) => t.signIn.title, status, scripts: [script] }, (view) => (
    <SignInPage
      view={view}
      state={typeof state === "function" ? state(view) : state}
      returnTo={returnTo}
      passkeyScript={script}
      providers={providerChoicesOf(c.var.config)}
    />
  ));
}

export const signInRoutes = new Hono<AppEnv>()
  .get("/auth/sign-in", async (c) => {
    const returnTo = returnToOf(c.req.query("return_to"));
    // The gateway's step-up redirect (a signed-in user must prove it again) belongs to reauthenticate.
    if (c.req.query("step_up") === "1") {
      return c.redirect(`/auth/reauthenticate?return_to=${encodeURIComponent(returnTo)}`, 302);
    }
    if (await pageSession(c)) return c.redirect(returnTo, 302);
    // Sent back by /auth/two-factor when the password step's challenge has expired or is gone.
    if (c.req.query("two_factor") === "expired") {
      return show(c, returnTo, ({ t }) => ({ formError: t.signIn.twoFactorExpired }));
    }
    // Sent back by the social callback; the code picks a message, its text is never shown.
    const oauthError = c.req.query("oauth_error");
    if (oauthError !== undefined)
      return show(c, returnTo, ({ t }) => ({ formError: oauthErrorMessage(t, oauthError) }));
    return show(c, returnTo, {});
  })
  .post(PAGE_PASSKEY_OPTIONS.signIn, docs.signIn, async (c) => {
    beginOptionsRoute(c);
    return optionsResponse(c, await usernamelessAssertionOptions(await mfaDependencies(c), await clientInfo(c)));
  })
  .post("/auth/sign-in/passkey", async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    const response = passkeyResponseOf(fields.passkey_response);
    if (!response) return show(c, returnTo, ({ t }) => ({ formError: t.signIn.passkeyFailed }), 400);
    const deps = await mfaDependencies(c);
    // A passkey alone always needs user verification, so it never asks for a second factor.
    const result = await signInWithPasskey(deps, { response, client: await clientInfo(c) });
    if (result.kind === "rejected") return show(c, returnTo, ({ t }) => ({ formError: t.signIn.passkeyFailed }), 401);
    if (result.kind === "disabled") return show(c, returnTo, ({ t }) => ({ formError: t.common.accountDisabled }), 403);
    deliverTokens(c, result.tokens, "browser", deps.now);
    return seeOther(c, returnTo);
  })
  .post("/auth/sign-in", async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    const values = { email: fields.email ?? "" };
    const parsed = SignInForm.safeParse(fields);
    if (!parsed.success) {
      return show(c, returnTo, (view) => ({ values, errors: formErrors(view, fields) }), 400);
    }
    const deps = { ...(await authDependencies(c)), accountSettings: c.var.config };
    const result = await logIn(deps, {
      email: parsed.data.email,
      password: parsed.data.password,
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "signed_in":
        deferNewDeviceNotice(c, deps, result);
        deliverTokens(c, result.tokens, "browser", deps.now);
        return seeOther(c, returnTo);
      case "mfa_required":
        setFlowCookie(c, MFA_CHALLENGE_COOKIE, result.challenge, MFA_CHALLENGE_TTL_SECONDS);
        return seeOther(c, `/auth/two-factor?return_to=${encodeURIComponent(returnTo)}`);
      case "invalid_credentials":
        return show(c, returnTo, ({ t }) => ({ values, formError: t.signIn.invalidCredentials }), 401);
      case "email_not_verified":
        return show(c, returnTo, ({ t }) => ({ values, formError: t.signIn.emailNotVerified }), 403);
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
      case "disabled":
        return show(c, returnTo, ({ t }) => ({ values, formError: t.common.accountDisabled }), 403);
    }
  });
