// The security page: authenticator app, recovery codes, passkeys and linked sign-in methods, each with
// its forms.
import { ErrorSummary, Field, type FormState, Notice } from "../components/form.tsx";
import type { ProviderChoice } from "../components/provider-links.tsx";
import { withReturnTo } from "../page-session.ts";
import type { View } from "../view.ts";
import { ACCOUNT_PATH, SECURITY_PATH } from "./guard.ts";
import { IdentitiesSection, type IdentityRow } from "./identities-section.tsx";
import { type PasskeyRow, PasskeysSection } from "./passkeys-section.tsx";

export type SecurityData = {
  totp: boolean;
  /** An enrollment was started and not confirmed yet. */
  pendingEnrollment: boolean;
  recoveryCodesLeft: number;
  passkeys: PasskeyRow[];
  /** Adding or removing a passkey needs a step-up first (the API would refuse this session). */
  passkeyStepUp: boolean;
  /** Linked provider accounts, and the configured providers not linked yet. */
  identities: IdentityRow[];
  linkable: ProviderChoice[];
};

export type SecurityPageProps = {
  view: View;
  data: SecurityData;
  state: FormState;
  notice?: string;
  /** Carried through the authenticator-app setup, where its last page links back to it. */
  returnTo?: string;
};

export function SecurityPage({ view, data, state, notice, returnTo = "/" }: SecurityPageProps) {
  const { t } = view;
  const s = t.accountSecurity;
  return (
    <div class="card">
      <p>
        <a href={ACCOUNT_PATH} id="back-to-account">
          {s.backToAccount}
        </a>
      </p>
      <h1>{s.title}</h1>
      <p class="muted">{s.intro}</p>
      <ErrorSummary view={view} state={state} />
      {notice ? <Notice>{notice}</Notice> : null}
      <TotpSection view={view} data={data} state={state} returnTo={returnTo} />
      <RecoverySection view={view} data={data} />
      <PasskeysSection view={view} passkeys={data.passkeys} stepUp={data.passkeyStepUp} state={state} />
      <IdentitiesSection view={view} identities={data.identities} linkable={data.linkable} />
    </div>
  );
}

function TotpSection(props: { view: View; data: SecurityData; state: FormState; returnTo: string }) {
  const { view, data, state, returnTo } = props;
  const s = view.t.accountSecurity;
  return (
    <section aria-labelledby="totp-heading" id="totp">
      <h2 id="totp-heading">{s.totpHeading}</h2>
      {data.totp ? (
        <>
          <p id="totp-status">{s.totpOn}</p>
          <form method="post" action={`${SECURITY_PATH}/totp/disable`} id="totp-disable-form" novalidate>
            <Field
              name="code"
              label={s.disableCode}
              hint={s.disableHint}
              state={state}
              autocomplete="one-time-code"
              secret
            />
            <button type="submit" class="danger">
              {s.totpDisable}
            </button>
          </form>
        </>
      ) : (
        <>
          <p id="totp-status">{s.totpOff}</p>
          {data.pendingEnrollment ? (
            <p>
              <a href={withReturnTo(`${SECURITY_PATH}/totp`, returnTo)} id="totp-continue">
                {s.totpContinue}
              </a>
            </p>
          ) : null}
          <form method="post" action={`${SECURITY_PATH}/totp/enroll`} id="totp-enroll-form">
            {returnTo !== "/" ? <input type="hidden" name="return_to" value={returnTo} /> : null}
            <button type="submit">{s.totpStart}</button>
          </form>
        </>
      )}
    </section>
  );
}

function RecoverySection({ view, data }: { view: View; data: SecurityData }) {
  const s = view.t.accountSecurity;
  return (
    <section aria-labelledby="recovery-heading" id="recovery">
      <h2 id="recovery-heading">{s.recoveryHeading}</h2>
      <p>{s.recoveryIntro}</p>
      {data.totp ? (
        <>
          <p id="recovery-left">{s.recoveryLeft(data.recoveryCodesLeft)}</p>
          <form method="post" action={`${SECURITY_PATH}/recovery-codes`} id="recovery-regenerate-form">
            <p class="hint" id="recovery-regenerate-hint">
              {s.recoveryRegenerateHint}
            </p>
            <button type="submit" class="secondary" aria-describedby="recovery-regenerate-hint">
              {s.recoveryRegenerate}
            </button>
          </form>
        </>
      ) : (
        <p class="muted">{s.recoveryNeedsTotp}</p>
      )}
    </section>
  );
}
