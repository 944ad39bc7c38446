// One step of a change that needs its own page (a new email address, a code): heading, intro, the
// form with its errors, and the way back to the overview.
import type { Child } from "hono/jsx";
import { ErrorSummary, type FormState, PostForm } from "../components/form.tsx";
import type { View } from "../view.ts";
import { ACCOUNT_PATH } from "./context.ts";

export type StepPageProps = {
  view: View;
  heading: string;
  intro: string;
  action: string;
  state: FormState;
  submit: string;
  /** A link under the form (e.g. "ask for a new code"). */
  extra?: { href: string; label: string };
  children?: Child;
};

export function StepPage({ view, heading, intro, action, state, submit, extra, children }: StepPageProps) {
  return (
    <div class="card">
      <h1>{heading}</h1>
      <p>{intro}</p>
      <ErrorSummary view={view} state={state} />
      <PostForm action={action}>
        {children}
        <button type="submit" class="block" id="step-submit">
          {submit}
        </button>
      </PostForm>
      <ul class="links">
        {extra ? (
          <li>
            <a href={extra.href}>{extra.label}</a>
          </li>
        ) : null}
        <li>
          <a href={ACCOUNT_PATH}>{view.t.common.back}</a>
        </li>
      </ul>
    </div>
  );
}
