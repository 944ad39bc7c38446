// The sign-in form: email and password, passkey (button and autofill), the configured social providers,
// links to sign-up and reset.
import { ErrorSummary, Field, type FormState, PostForm } from "../components/form.tsx";
import { PasskeyAssertForm } from "../components/passkey.tsx";
import { type ProviderChoice, ProviderLinks } from "../components/provider-links.tsx";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import type { View } from "../view.ts";

export type SignInPageProps = {
  view: View;
  state: FormState;
  returnTo: string;
  passkeyScript: string | undefined;
  providers: ProviderChoice[];
};

export function SignInPage({ view, state, returnTo, passkeyScript, providers }: SignInPageProps) {
  const { t } = view;
  const query = returnTo === "/" ? "" : `?return_to=${encodeURIComponent(returnTo)}`;
  return (
    <div class="card">
      <h1>{t.signIn.heading(view.brand.name)}</h1>
      <ErrorSummary view={view} state={state} />
      <PostForm action="/auth/sign-in" returnTo={returnTo}>
        <Field
          name="email"
          type="email"
          label={t.common.email}
          autocomplete="username webauthn"
          state={state}
          maxlength={320}
        />
        <Field
          name="password"
          type="password"
          label={t.common.password}
          autocomplete="current-password"
          state={state}
          secret
        />
        <button type="submit" class="block">
          {t.signIn.submit}
        </button>
      </PostForm>
      {passkeyScript ? (
        <PasskeyAssertForm
          id="passkey-sign-in"
          action="/auth/sign-in/passkey"
          optionsUrl={PAGE_PASSKEY_OPTIONS.signIn}
          returnTo={returnTo}
          label={t.signIn.passkey}
          errorText={t.signIn.passkeyFailed}
          autofill
        >
          <p class="divider">{t.signIn.or}</p>
        </PasskeyAssertForm>
      ) : null}
      <ProviderLinks view={view} providers={providers} returnTo={returnTo} />
      <ul class="links">
        <li>
          <a href={`/auth/forgot-password${query}`}>{t.signIn.forgot}</a>
        </li>
        <li>
          {t.signIn.noAccount} <a href={`/auth/sign-up${query}`}>{t.signIn.signUp}</a>
        </li>
      </ul>
    </div>
  );
}
