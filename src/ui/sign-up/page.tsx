// The sign-up form: name (optional), email, a new password with the policy's rules shown before typing;
// the configured social providers below it.
import { ErrorSummary, Field, type FormState, PostForm } from "../components/form.tsx";
import { type ProviderChoice, ProviderLinks } from "../components/provider-links.tsx";
import type { View } from "../view.ts";

export type SignUpPageProps = {
  view: View;
  state: FormState;
  returnTo: string;
  minLength: number;
  providers: ProviderChoice[];
};

export function SignUpPage({ view, state, returnTo, minLength, providers }: SignUpPageProps) {
  const { t } = view;
  const query = returnTo === "/" ? "" : `?return_to=${encodeURIComponent(returnTo)}`;
  return (
    <div class="card">
      <h1>{t.signUp.heading(view.brand.name)}</h1>
      <ErrorSummary view={view} state={state} />
      <PostForm action="/auth/sign-up" returnTo={returnTo}>
        <Field
          name="name"
          label={t.common.name}
          autocomplete="name"
          hint={t.signUp.nameHint}
          state={state}
          required={false}
          maxlength={200}
        />
        <Field name="email" type="email" label={t.common.email} autocomplete="username" state={state} maxlength={320} />
        <Field
          name="password"
          type="password"
          label={t.common.password}
          autocomplete="new-password"
          hint={t.signUp.passwordRules(minLength)}
          state={state}
          minlength={minLength}
          secret
        />
        <button type="submit" class="block" id="sign-up-submit">
          {t.signUp.submit}
        </button>
      </PostForm>
      <ProviderLinks view={view} providers={providers} returnTo={returnTo} />
      <ul class="links">
        <li>
          {t.signUp.haveAccount} <a href={`/auth/sign-in${query}`}>{t.signUp.signIn}</a>
        </li>
      </ul>
    </div>
  );
}
