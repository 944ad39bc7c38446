// The second step of a sign-in: the authenticator code, a passkey, or a recovery code (what the user has).
import type { SecondFactorMethod } from "../../features/mfa/factors.ts";
import { ErrorSummary, Field, type FormState, PostForm } from "../components/form.tsx";
import { PasskeyAssertForm } from "../components/passkey.tsx";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import type { View } from "../view.ts";

export type TwoFactorPageProps = {
  view: View;
  state: FormState;
  returnTo: string;
  methods: SecondFactorMethod[];
  passkeyScript: string | undefined;
};

export function TwoFactorPage({ view, state, returnTo, methods, passkeyScript }: TwoFactorPageProps) {
  const { t } = view;
  return (
    <div class="card">
      <h1>{t.twoFactor.heading}</h1>
      <ErrorSummary view={view} state={state} />
      <p>{t.twoFactor.intro}</p>
      <PostForm action="/auth/two-factor" returnTo={returnTo}>
        <Field
          name="code"
          label={t.twoFactor.code}
          hint={t.twoFactor.codeHint}
          autocomplete="one-time-code"
          inputmode="numeric"
          maxlength={12}
          state={state}
          secret
        />
        <button type="submit" class="block">
          {t.twoFactor.submit}
        </button>
      </PostForm>
      {passkeyScript && methods.includes("passkey") ? (
        <PasskeyAssertForm
          id="passkey-second-factor"
          action="/auth/two-factor"
          optionsUrl={PAGE_PASSKEY_OPTIONS.twoFactor}
          returnTo={returnTo}
          label={t.twoFactor.passkey}
          errorText={t.twoFactor.passkeyFailed}
        >
          <p class="divider">{t.twoFactor.or}</p>
        </PasskeyAssertForm>
      ) : null}
      {methods.includes("recovery_code") ? (
        <section>
          <h2>{t.twoFactor.recoveryHeading}</h2>
          <p>{t.twoFactor.recoveryIntro}</p>
          <PostForm action="/auth/two-factor" returnTo={returnTo}>
            <Field
              name="recovery_code"
              label={t.twoFactor.recoveryCode}
              hint={t.twoFactor.recoveryHint}
              autocomplete="off"
              maxlength={32}
              state={state}
              secret
            />
            <button type="submit" class="secondary block">
              {t.twoFactor.recoverySubmit}
            </button>
          </PostForm>
        </section>
      ) : null}
      <ul class="links">
        <li>
          <a href={`/auth/sign-in${returnTo === "/" ? "" : `?return_to=${encodeURIComponent(returnTo)}`}`}>
            {t.twoFactor.startAgain}
          </a>
        </li>
      </ul>
    </div>
  );
}
