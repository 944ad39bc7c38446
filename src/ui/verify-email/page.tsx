// The verify-email pages: the code form (with its resend button), the link's confirmation, the expired
// link and the verified page.
import { ErrorSummary, Field, type FormState, Notice, PostForm } from "../components/form.tsx";
import type { View } from "../view.ts";

const signInHref = (returnTo: string) =>
  `/auth/sign-in${returnTo === "/" ? "" : `?return_to=${encodeURIComponent(returnTo)}`}`;

/** Email and code; its second button sends the same address to the resend handler instead. */
function CodeForm({ view, state, returnTo }: { view: View; state: FormState; returnTo: string }) {
  const { t } = view;
  return (
    <PostForm action="/auth/verify-email" returnTo={returnTo}>
      <Field name="email" type="email" label={t.common.email} autocomplete="username" state={state} maxlength={320} />
      <Field
        name="code"
        label={t.verifyEmail.codeLabel}
        hint={t.verifyEmail.codeHint}
        autocomplete="one-time-code"
        inputmode="numeric"
        pattern="[0-9]*"
        maxlength={6}
        state={state}
        required={false}
        secret
      />
      <button type="submit" class="block" id="verify-code-submit">
        {t.verifyEmail.submitCode}
      </button>
      <h2>{t.verifyEmail.resendHeading}</h2>
      <p>{t.verifyEmail.resendIntro}</p>
      <button
        type="submit"
        class="secondary block"
        id="verify-resend"
        formaction="/auth/verify-email/resend"
        formnovalidate
      >
        {t.verifyEmail.resend}
      </button>
    </PostForm>
  );
}

export type CodePageProps = {
  view: View;
  state: FormState;
  returnTo: string;
  /** The address this browser just signed up or asked with: "check your inbox". */
  sentTo?: string;
  resent?: boolean;
};

export function CodePage({ view, state, returnTo, sentTo, resent }: CodePageProps) {
  const { t } = view;
  return (
    <div class="card">
      <h1>{sentTo ? t.verifyEmail.checkInboxTitle : t.verifyEmail.title}</h1>
      <ErrorSummary view={view} state={state} />
      {resent ? <Notice>{t.verifyEmail.resent}</Notice> : null}
      {/* After a resend nothing says whether a message went out: only the notice's "if". */}
      <p>{sentTo && !resent ? t.verifyEmail.checkInbox(sentTo) : t.verifyEmail.intro}</p>
      <CodeForm view={view} state={state} returnTo={returnTo} />
    </div>
  );
}

export function ConfirmPage({ view, token, returnTo }: { view: View; token: string; returnTo: string }) {
  const { t } = view;
  return (
    <div class="card">
      <h1>{t.verifyEmail.confirmTitle}</h1>
      <p>{t.verifyEmail.confirm}</p>
      <PostForm action="/auth/verify-email" returnTo={returnTo}>
        <input type="hidden" name="token" value={token} />
        <button type="submit" class="block" id="verify-link-submit">
          {t.verifyEmail.confirmSubmit}
        </button>
      </PostForm>
    </div>
  );
}

export function ExpiredLinkPage({ view, returnTo }: { view: View; returnTo: string }) {
  const { t } = view;
  return (
    <div class="card">
      <h1>{t.verifyEmail.expiredTitle}</h1>
      <p>{t.verifyEmail.expired}</p>
      <CodeForm view={view} state={{}} returnTo={returnTo} />
    </div>
  );
}

export function VerifiedPage({ view, returnTo }: { view: View; returnTo: string }) {
  const { t } = view;
  return (
    <div class="card">
      <h1>{t.verifyEmail.verifiedTitle}</h1>
      <p>{t.verifyEmail.verified}</p>
      <p>
        <a href={signInHref(returnTo)} class="button" id="verified-sign-in">
          {t.verifyEmail.signIn}
        </a>
      </p>
    </div>
  );
}
