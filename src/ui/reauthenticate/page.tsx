// Step-up: prove it is you again (password, authenticator code, passkey or recovery code, as offered).
import type { ReauthMethod } from "../../features/mfa/reauthenticate.ts";
import { ErrorSummary, Field, type FormState, Notice, PostForm } from "../components/form.tsx";
import { PasskeyAssertForm } from "../components/passkey.tsx";
import { type ProviderChoice, ProviderLinks } from "../components/provider-links.tsx";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import type { View } from "../view.ts";

export const REAUTHENTICATE_ACTION = "/auth/reauthenticate/confirm";

export type ReauthenticatePageProps = {
  view: View;
  state: FormState;
  returnTo: string;
  email: string;
  methods: ReauthMethod[];
  /** return_to is a gateway route with requireMfa: only a second factor lets the user through. */
  routeNeedsSecondFactor: boolean;
  /** Linked providers to sign in at again. */
  providers: ProviderChoice[];
  passkeyScript: string | undefined;
};

export function ReauthenticatePage(props: ReauthenticatePageProps) {
  const { view, state, returnTo, email, methods, routeNeedsSecondFactor, providers, passkeyScript } = props;
  const { t } = view;
  const r = t.reauthenticate;
  return (
    <div class="card">
      <h1>{r.heading}</h1>
      <ErrorSummary view={view} state={state} />
      <p>
        {routeNeedsSecondFactor
          ? r.introRouteNeedsSecondFactor
          : methods.includes("totp")
            ? r.introSecondFactor
            : r.intro}
      </p>
      <p class="muted">{r.signedInAs(email)}</p>
      {methods.length === 0 && routeNeedsSecondFactor ? (
        <Notice>
          {r.noSecondFactor} <a href="/auth/account/security">{r.addSecondFactor}</a>
        </Notice>
      ) : null}
      {methods.length === 0 && providers.length === 0 && !routeNeedsSecondFactor ? <Notice>{r.noMethod}</Notice> : null}
      {methods.includes("password") ? (
        <PostForm action={REAUTHENTICATE_ACTION} returnTo={returnTo}>
          <Field
            name="password"
            type="password"
            label={t.common.password}
            autocomplete="current-password"
            state={state}
            secret
          />
          <button type="submit" class="block">
            {r.submitPassword}
          </button>
        </PostForm>
      ) : null}
      {methods.includes("totp") ? (
        <PostForm action={REAUTHENTICATE_ACTION} returnTo={returnTo}>
          <Field
            name="code"
            label={r.code}
            hint={r.codeHint}
            autocomplete="one-time-code"
            inputmode="numeric"
            maxlength={12}
            state={state}
            secret
          />
          <button type="submit" class="block">
            {r.submitCode}
          </button>
        </PostForm>
      ) : null}
      {passkeyScript && methods.includes("passkey") ? (
        <PasskeyAssertForm
          id="passkey-reauthenticate"
          action={REAUTHENTICATE_ACTION}
          optionsUrl={PAGE_PASSKEY_OPTIONS.reauthenticate}
          returnTo={returnTo}
          label={r.passkey}
          errorText={r.passkeyFailed}
        >
          {methods.length > 1 ? <p class="divider">{r.or}</p> : null}
        </PasskeyAssertForm>
      ) : null}
      {methods.includes("recovery_code") ? (
        <section>
          <h2>{r.recoveryHeading}</h2>
          <PostForm action={REAUTHENTICATE_ACTION} returnTo={returnTo}>
            <Field
              name="recovery_code"
              label={r.recoveryCode}
              hint={r.recoveryHint}
              autocomplete="off"
              maxlength={32}
              state={state}
              secret
            />
            <button type="submit" class="secondary block">
              {r.submitRecovery}
            </button>
          </PostForm>
        </section>
      ) : null}
      <ProviderLinks view={view} providers={providers} returnTo={returnTo} intent="reauth" />
      <ul class="links">
        <li>
          <a href="/">{r.cancel}</a>
        </li>
      </ul>
    </div>
  );
}
