// /auth/reset-password: GET shows the form for a live link (never consuming it), POST resets with the
// same resetPassword service as POST /auth/password/reset; the passkey options behind the script.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { normalizePassword, PASSWORD_MAX_LENGTH } from "../../features/account/password-policy.ts";
import type { SecondFactor } from "../../features/mfa/factors.ts";
import { PasskeyAssertion } from "../../features/passkeys/schemas.ts";
import {
  passkeyOptionsForReset,
  type ResetDeps,
  resetLinkRequirements,
  resetPassword,
} from "../../features/verification/reset.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { clearSessionCookies } from "../../http/cookies.ts";
import { passkeyScriptAsset } from "../assets/registry.ts";
import type { FormState } from "../components/form.tsx";
import { type FormFields, readForm } from "../form-body.ts";
import { returnToOf } from "../page-session.ts";
import { pagePasskeyOptionsDocs as docs } from "../passkey-options-docs.ts";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import { beginOptionsRoute, optionsResponse } from "../passkey-pages.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import { type CodeMethod, InvalidLinkPage, ResetDonePage, ResetPasswordPage } from "./page.tsx";

const Token = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const Password = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4)
  .transform(normalizePassword);
const Totp = z
  .string()
  .trim()
  .regex(/^\d{6}$/);
const RecoveryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z2-7]{5}-?[A-Za-z2-7]{5}$/);
const PasskeyResponse = z
  .string()
  .max(32_768)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  })
  .pipe(PasskeyAssertion);
const OptionsBody = z.strictObject({ token: Token });

async function resetDependencies(c: Context<AppEnv>): Promise<ResetDeps> {
  const config = c.var.config;
  return {
    ...(await authDependencies(c)),
    webauthn: config.webauthn,
    mail: config.mail,
    appUrl: config.appUrl,
    policy: config,
  };
}

const methodOf = (value: string | undefined): CodeMethod => (value === "recovery_code" ? "recovery_code" : "totp");

function showInvalid(c: Context<AppEnv>, returnTo: string) {
  return renderPage(c, { title: ({ t }) => t.resetPassword.invalidTitle, status: 400 }, (view) => (
    <InvalidLinkPage view={view} returnTo={returnTo} />
  ));
}

/** The form for a live link (read only), or the invalid-link page. */
async function showForm(
  c: Context<AppEnv>,
  input: { token: string; returnTo: string; method: CodeMethod },
  state: FormState | ((view: View) => FormState),
  status: PageOptions["status"] = 200,
) {
  const requirements = await resetLinkRequirements(await resetDependencies(c), input.token);
  // A link that died meanwhile (used, expired, or its fifth wrong factor) says so, whatever the error.
  if (!requirements) return showInvalid(c, input.returnTo);
  const script = requirements.secondFactors.includes("passkey") ? (await passkeyScriptAsset()).path : undefined;
  const options = { title: ({ t }: View) => t.resetPassword.title, status, scripts: script ? [script] : [] };
  return renderPage(c, options, (view) => (
    <ResetPasswordPage
      view={view}
      state={typeof state === "function" ? state(view) : state}
      token={input.token}
      returnTo={input.returnTo}
      minLength={c.var.config.passwordMinLength}
      secondFactors={requirements.secondFactors}
      method={input.method}
      passkeyScript={script}
    />
  ));
}

type Parsed =
  | { ok: true; password: string; secondFactor: SecondFactor | undefined }
  | { ok: false; errors: (view: View) => Record<string, string> };

/** The password and at most one second factor, as the form gave them. */
function parseResetForm(fields: FormFields, method: CodeMethod): Parsed {
  const password = Password.safeParse(fields.password ?? "");
  const errors: Array<[string, (view: View) => string]> = [];
  if (!password.success)
    errors.push([
      "password",
      ({ t }) =>
        fields.password
          ? t.resetPassword.passwordProblems.too_long(PASSWORD_MAX_LENGTH)
          : t.common.required(t.resetPassword.newPassword),
    ]);
  let secondFactor: SecondFactor | undefined;
  if (fields.passkey_response) {
    const passkey = PasskeyResponse.safeParse(fields.passkey_response);
    if (passkey.success) secondFactor = { passkey: passkey.data };
    else errors.push(["passkey", ({ t }) => t.resetPassword.passkeyFailed]);
  } else if (method === "recovery_code" && fields.recovery_code) {
    const code = RecoveryCode.safeParse(fields.recovery_code);
    if (code.success) secondFactor = { recoveryCode: code.data };
    else errors.push(["recovery_code", ({ t }) => t.resetPassword.invalidRecovery]);
  } else if (method === "totp" && fields.totp) {
    const code = Totp.safeParse(fields.totp);
    if (code.success) secondFactor = { totp: code.data };
    else errors.push(["totp", ({ t }) => t.resetPassword.invalidTotp]);
  }
  if (errors.length > 0 || !password.success)
    return {
      ok: false,
      errors: (view) => Object.fromEntries(errors.map(([field, message]) => [field, message(view)])),
    };
  return { ok: true, password: password.data, secondFactor };
}

/** Where a wrong or missing second factor is shown: next to its field, or (a passkey) above the form. */
function factorError(view: View, factor: SecondFactor | undefined, method: CodeMethod, wrong: boolean): FormState {
  const { t } = view;
  if (factor && "passkey" in factor) return { formError: t.resetPassword.passkeyRejected };
  if (method === "recovery_code")
    return { errors: { recovery_code: wrong ? t.resetPassword.wrongRecovery : t.resetPassword.invalidRecovery } };
  return { errors: { totp: wrong ? t.resetPassword.wrongTotp : t.resetPassword.invalidTotp } };
}

export const resetPasswordRoutes = new Hono<AppEnv>()
  .get("/auth/reset-password", async (c) => {
    const returnTo = returnToOf(c.req.query("return_to"));
    if (c.req.query("done") === "1") {
      return renderPage(c, { title: ({ t }) => t.resetPassword.doneTitle }, (view) => (
        <ResetDonePage view={view} returnTo={returnTo} />
      ));
    }
    const token = Token.safeParse(c.req.query("token"));
    if (!token.success) return showInvalid(c, returnTo);
    return showForm(c, { token: token.data, returnTo, method: methodOf(c.req.query("method")) }, {});
  })
  .post("/auth/reset-password", async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    const token = Token.safeParse(fields.token);
    if (!token.success) return showInvalid(c, returnTo);
    const method = methodOf(fields.method);
    const input = { token: token.data, returnTo, method };
    const parsed = parseResetForm(fields, method);
    if (!parsed.ok) {
      return showForm(
        c,
        input,
        (view) => {
          const { passkey, ...errors } = parsed.errors(view);
          return passkey ? { errors, formError: passkey } : { errors };
        },
        400,
      );
    }
    const result = await resetPassword(await resetDependencies(c), {
      token: token.data,
      password: parsed.password,
      ...(parsed.secondFactor ? { secondFactor: parsed.secondFactor } : {}),
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "reset": {
        // Every session was revoked: this browser's cookies and any half-done sign-in go too.
        clearSessionCookies(c);
        const query = new URLSearchParams({ done: "1" });
        if (returnTo !== "/") query.set("return_to", returnTo);
        return seeOther(c, `/auth/reset-password?${query}`);
      }
      case "invalid":
        return showInvalid(c, returnTo);
      case "weak_password": {
        const min = result.problem === "too_long" ? PASSWORD_MAX_LENGTH : c.var.config.passwordMinLength;
        return showForm(
          c,
          input,
          ({ t }) => {
            const problem = t.resetPassword.passwordProblems[result.problem];
            return { errors: { password: typeof problem === "function" ? problem(min) : problem } };
          },
          400,
        );
      }
      case "second_factor_required":
        return showForm(c, input, (view) => factorError(view, undefined, method, false), 400);
      case "invalid_second_factor":
        return showForm(c, input, (view) => factorError(view, parsed.secondFactor, method, true), 400);
      case "throttled":
        c.header("Retry-After", String(result.retryAfterSeconds));
        return showForm(c, input, ({ t }) => ({ formError: t.common.tooManyAttempts(result.retryAfterSeconds) }), 429);
      case "locked":
        return showForm(c, input, ({ t }) => ({ formError: t.common.accountLocked }), 423);
    }
  })
  .post(PAGE_PASSKEY_OPTIONS.resetPassword, docs.resetPassword, async (c) => {
    // The service behind /auth/password/reset/passkey/options, for the page's passkey script.
    beginOptionsRoute(c);
    const body = await readJsonBody(c, OptionsBody);
    const result = await passkeyOptionsForReset(await resetDependencies(c), {
      token: body.token,
      client: await clientInfo(c),
    });
    if (result.kind === "invalid") throw new AppError("invalid_token");
    return optionsResponse(c, result);
  });
