// The reset-password pages: the new password with, when the account has two-step sign-in, its second
// factor (a code, a recovery code or a passkey); the link that is no longer valid; the success page.
import type { SecondFactorMethod } from "../../features/mfa/factors.ts";
import { ErrorSummary, Field, type FormState, PostForm } from "../components/form.tsx";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import type { View } from "../view.ts";

export type CodeMethod = "totp" | "recovery_code";

const withReturnTo = (path: string, returnTo: string) =>
  returnTo === "/" ? path : `${path}?return_to=${encodeURIComponent(returnTo)}`;

export type ResetFormProps = {
  view: View;
  state: FormState;
  token: string;
  returnTo: string;
  minLength: number;
  secondFactors: SecondFactorMethod[];
  method: CodeMethod;
  passkeyScript: string | undefined;
};

function switchHref(token: string, returnTo: string, method: CodeMethod): string {
  const query = new URLSearchParams({ token });
  if (method === "recovery_code") query.set("method", method);
  if (returnTo !== "/") query.set("return_to", returnTo);
  return `/auth/reset-password?${query}`;
}

function CodeField({ view, state, method }: { view: View; state: FormState; method: CodeMethod }) {
  const { t } = view;
  if (method === "recovery_code")
    return (
      <Field
        name="recovery_code"
        label={t.resetPassword.recoveryLabel}
        hint={t.resetPassword.recoveryHint}
        autocomplete="one-time-code"
        maxlength={11}
        state={state}
        secret
      />
    );
  return (
    <Field
      name="totp"
      label={t.resetPassword.totpLabel}
      hint={t.resetPassword.totpHint}
      autocomplete="one-time-code"
      inputmode="numeric"
      pattern="[0-9]*"
      maxlength={6}
      state={state}
      secret
    />
  );
}

/** The passkey alternative: the script's assertion contract, revealed only where WebAuthn works. */
function PasskeyForm({
  view,
  token,
  returnTo,
  minLength,
}: Omit<ResetFormProps, "state" | "secondFactors" | "method" | "passkeyScript">) {
  const { t } = view;
  return (
    <form
      method="post"
      action="/auth/reset-password"
      id="reset-passkey"
      data-passkey-assert
      data-options-url={PAGE_PASSKEY_OPTIONS.resetPassword}
      data-options-body={JSON.stringify({ token })}
      hidden
    >
      <h2>{t.resetPassword.passkeyHeading}</h2>
      <input type="hidden" name="token" value={token} />
      {returnTo !== "/" ? <input type="hidden" name="return_to" value={returnTo} /> : null}
      <input type="hidden" name="passkey_response" />
      <div class="field">
        <label for="passkey-password">{t.resetPassword.passkeyPassword}</label>
        <input
          id="passkey-password"
          name="password"
          type="password"
          autocomplete="new-password"
          minlength={minLength}
          required
          autocapitalize="none"
          spellcheck={false}
        />
      </div>
      <p class="muted" data-passkey-error hidden>
        {t.resetPassword.passkeyFailed}
      </p>
      <button type="button" class="secondary block" data-passkey-start id="reset-passkey-start">
        {t.resetPassword.passkeySubmit}
      </button>
    </form>
  );
}

export function ResetPasswordPage(props: ResetFormProps) {
  const { view, state, token, returnTo, minLength, secondFactors, method } = props;
  const { t } = view;
  const other: CodeMethod = method === "totp" ? "recovery_code" : "totp";
  return (
    <div class="card">
      <h1>{t.resetPassword.title}</h1>
      <ErrorSummary view={view} state={state} />
      <PostForm action="/auth/reset-password" returnTo={returnTo}>
        <input type="hidden" name="token" value={token} />
        <Field
          name="password"
          type="password"
          label={t.resetPassword.newPassword}
          autocomplete="new-password"
          hint={t.resetPassword.passwordRules(minLength)}
          minlength={minLength}
          state={state}
          secret
        />
        {secondFactors.length > 0 ? (
          <>
            <input type="hidden" name="method" value={method} />
            <p>{t.resetPassword.secondFactorIntro}</p>
            <CodeField view={view} state={state} method={method} />
          </>
        ) : null}
        <button type="submit" class="block" id="reset-submit">
          {t.resetPassword.submit}
        </button>
      </PostForm>
      {secondFactors.length > 0 && (method === "recovery_code" || secondFactors.includes("recovery_code")) ? (
        <ul class="links">
          <li>
            <a href={switchHref(token, returnTo, other)} id="reset-switch-method">
              {other === "recovery_code" ? t.resetPassword.useRecovery : t.resetPassword.useTotp}
            </a>
          </li>
        </ul>
      ) : null}
      {props.passkeyScript && secondFactors.includes("passkey") ? (
        <PasskeyForm view={view} token={token} returnTo={returnTo} minLength={minLength} />
      ) : null}
    </div>
  );
}

export function InvalidLinkPage({ view, returnTo }: { view: View; returnTo: string }) {
  const { t } = view;
  return (
    <div class="card">
      <h1>{t.resetPassword.invalidTitle}</h1>
      <p>{t.resetPassword.invalid}</p>
      <p>
        <a href={withReturnTo("/auth/forgot-password", returnTo)} class="button" id="reset-ask-again">
          {t.resetPassword.askAgain}
        </a>
      </p>
    </div>
  );
}

export function ResetDonePage({ view, returnTo }: { view: View; returnTo: string }) {
  const { t } = view;
  return (
    <div class="card">
      <h1>{t.resetPassword.doneTitle}</h1>
      <p role="status">{t.resetPassword.done}</p>
      <p>
        <a href={withReturnTo("/auth/sign-in", returnTo)} class="button" id="reset-sign-in">
          {t.resetPassword.signIn}
        </a>
      </p>
    </div>
  );
}
