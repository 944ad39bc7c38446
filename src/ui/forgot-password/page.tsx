// The forgot-password form and the one page every address gets after it.
import { ErrorSummary, Field, type FormState, PostForm } from "../components/form.tsx";
import { withReturnTo } from "../page-session.ts";
import type { View } from "../view.ts";

export function ForgotPasswordPage({ view, state, returnTo }: { view: View; state: FormState; returnTo: string }) {
  const { t } = view;
  return (
    <div class="card">
      <h1>{t.forgotPassword.title}</h1>
      <ErrorSummary view={view} state={state} />
      <p>{t.forgotPassword.intro}</p>
      <PostForm action="/auth/forgot-password" returnTo={returnTo}>
        <Field name="email" type="email" label={t.common.email} autocomplete="username" state={state} maxlength={320} />
        <button type="submit" class="block" id="forgot-submit">
          {t.forgotPassword.submit}
        </button>
      </PostForm>
      <ul class="links">
        <li>
          <a href={withReturnTo("/auth/sign-in", returnTo)}>{t.forgotPassword.backToSignIn}</a>
        </li>
      </ul>
    </div>
  );
}

export function ResetRequestedPage({ view, returnTo }: { view: View; returnTo: string }) {
  const { t } = view;
  return (
    <div class="card">
      <h1>{t.forgotPassword.sentTitle}</h1>
      <p role="status">{t.forgotPassword.sent}</p>
      <p>{t.forgotPassword.notReceived}</p>
      <ul class="links">
        <li>
          <a href={withReturnTo("/auth/forgot-password", returnTo)}>{t.forgotPassword.askAgain}</a>
        </li>
        <li>
          <a href={withReturnTo("/auth/sign-in", returnTo)}>{t.forgotPassword.backToSignIn}</a>
        </li>
      </ul>
    </div>
  );
}
