// The overview's own forms: profile (name; username and picture in profile-sections.tsx), email (a link to the step-up-guarded change), phone,
// password, and the link to the security pages.

import { PASSWORD_MAX_LENGTH } from "../../features/account/password-policy.ts";
import { DISPLAY_NAME_MAX_LENGTH } from "../../features/account/schemas.ts";
import { ErrorSummary, Field, type FormState, PostForm } from "../components/form.tsx";
import type { View } from "../view.ts";
import type { AccountUser } from "./overview.tsx";
import { HandleForm } from "./profile-sections.tsx";

type SectionProps = { view: View; user: AccountUser; state: FormState | undefined };

export function ProfileSection({ view, user, state, handleState }: SectionProps & { handleState?: FormState }) {
  const { t } = view;
  return (
    <section aria-labelledby="profile-heading" id="profile" data-section="profile">
      <h2 id="profile-heading">{t.account.profile.heading}</h2>
      {state ? <ErrorSummary view={view} state={state} /> : null}
      <PostForm action="/auth/account/name">
        <Field
          name="name"
          label={t.account.profile.name}
          hint={t.account.profile.hint}
          autocomplete="name"
          state={state ?? { values: { name: user.name ?? "" } }}
          maxlength={DISPLAY_NAME_MAX_LENGTH}
        />
        <button type="submit" id="save-name">
          {t.account.profile.submit}
        </button>
      </PostForm>
      <HandleForm view={view} user={user} state={handleState} />
    </section>
  );
}

export function EmailSection({ view, user }: Omit<SectionProps, "state">) {
  const { t } = view;
  return (
    <section aria-labelledby="email-heading" id="email-address" data-section="email">
      <h2 id="email-heading">{t.account.email.heading}</h2>
      <dl>
        <dt>{t.account.email.current}</dt>
        <dd data-current-email>
          {user.email}{" "}
          <span class="muted">({user.emailVerified ? t.account.email.verified : t.account.email.unverified})</span>
        </dd>
      </dl>
      {user.emailUndeliverable !== null ? <UndeliverableNotice view={view} user={user} /> : null}
      <p>
        <a class="button secondary" href="/auth/account/email" id="change-email">
          {t.account.email.change}
        </a>
      </p>
    </section>
  );
}

/** issue 15: the provider reported the address undeliverable; verifying it again lifts the stop. */
function UndeliverableNotice({ view, user }: Omit<SectionProps, "state">) {
  const d = view.t.delivery.account;
  return (
    <div data-undeliverable={user.emailUndeliverable ?? ""} role="alert">
      <h3>{d.undeliverableHeading}</h3>
      <p>{d.undeliverable[user.emailUndeliverable ?? ""] ?? d.undeliverableFallback}</p>
      <p>{d.undeliverableOffer}</p>
      <PostForm action="/auth/verify-email/resend">
        <input type="hidden" name="email" value={user.email} />
        <button type="submit" id="verify-email-again">
          {d.verifyAgain}
        </button>
      </PostForm>
    </div>
  );
}

export function PhoneSection({ view, user, state }: SectionProps) {
  const { t } = view;
  return (
    <section aria-labelledby="phone-heading" id="phone-number" data-section="phone">
      <h2 id="phone-heading">{t.account.phone.heading}</h2>
      {user.phoneNumber && user.phoneVerified ? (
        <dl>
          <dt>{t.account.phone.current}</dt>
          <dd data-current-phone>{user.phoneNumber}</dd>
        </dl>
      ) : (
        <p class="muted">{t.account.phone.none}</p>
      )}
      {state ? <ErrorSummary view={view} state={state} /> : null}
      <PostForm action="/auth/account/phone">
        <Field
          name="phone"
          type="tel"
          label={t.account.phone.number}
          hint={t.account.phone.hint}
          autocomplete="tel"
          inputmode="tel"
          state={state ?? {}}
          maxlength={16}
        />
        <button type="submit" id="send-phone-code">
          {t.account.phone.send}
        </button>
      </PostForm>
    </section>
  );
}

export function PasswordSection({
  view,
  state,
  minLength,
}: {
  view: View;
  state: FormState | undefined;
  minLength: number;
}) {
  const { t } = view;
  return (
    <section aria-labelledby="password-heading" id="password" data-section="password">
      <h2 id="password-heading">{t.account.password.heading}</h2>
      <p>{t.account.password.signsOutOthers}</p>
      {state ? <ErrorSummary view={view} state={state} /> : null}
      <PostForm action="/auth/account/password">
        <Field
          name="current_password"
          type="password"
          label={t.account.password.current}
          autocomplete="current-password"
          state={state ?? {}}
          secret
          maxlength={PASSWORD_MAX_LENGTH * 4}
        />
        <Field
          name="new_password"
          type="password"
          label={t.account.password.new}
          hint={t.account.password.policy(minLength)}
          autocomplete="new-password"
          state={state ?? {}}
          secret
          minlength={minLength}
          maxlength={PASSWORD_MAX_LENGTH * 4}
        />
        <button type="submit" id="change-password">
          {t.account.password.submit}
        </button>
      </PostForm>
    </section>
  );
}

export function SecuritySection({ view }: { view: View }) {
  const { t } = view;
  return (
    <section aria-labelledby="security-heading" id="security" data-section="security">
      <h2 id="security-heading">{t.account.security.heading}</h2>
      <p>{t.account.security.intro}</p>
      <p>
        <a class="button secondary" href="/auth/account/security" id="manage-security">
          {t.account.security.link}
        </a>
      </p>
    </section>
  );
}
