// Form parts with accessible errors: a summary that takes focus (role="alert"), each error next to its
// field and linked with aria-describedby, values kept (never secrets), paste always allowed.
import type { Child } from "hono/jsx";
import type { View } from "../view.ts";

/** Field name → error message shown next to it and in the summary. */
export type FieldErrors = Record<string, string>;

export type FormState = {
  /** Values to put back into the form (never passwords or codes). */
  values?: Record<string, string>;
  errors?: FieldErrors;
  /** An error that belongs to no single field ("the email or password is incorrect"). */
  formError?: string;
};

export function ErrorSummary({ view, state }: { view: View; state: FormState }) {
  const fieldErrors = Object.entries(state.errors ?? {});
  if (!state.formError && fieldErrors.length === 0) return null;
  return (
    <div class="summary" role="alert" tabindex={-1} autofocus id="error-summary" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{view.t.common.errorSummaryTitle}</h2>
      <ul>
        {state.formError ? <li>{state.formError}</li> : null}
        {fieldErrors.map(([field, message]) => (
          <li>
            <a href={`#${field}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export type FieldProps = {
  name: string;
  label: string;
  state: FormState;
  type?: "text" | "email" | "password" | "tel";
  autocomplete: string;
  hint?: string;
  required?: boolean;
  inputmode?: "numeric" | "text" | "email" | "tel";
  /** Secrets are never echoed back into the page. */
  secret?: boolean;
  maxlength?: number;
  minlength?: number;
  pattern?: string;
};

export function Field(props: FieldProps) {
  const { name, label, state, type = "text", hint, secret } = props;
  const error = state.errors?.[name];
  const describedBy = [hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={name}>{label}</label>
      {hint ? (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${name}-error`}>
          {error}
        </p>
      ) : null}
      <input
        id={name}
        name={name}
        type={type}
        autocomplete={props.autocomplete}
        required={props.required ?? true}
        inputmode={props.inputmode}
        maxlength={props.maxlength}
        minlength={props.minlength}
        pattern={props.pattern}
        value={secret ? undefined : state.values?.[name]}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy || undefined}
        spellcheck={type === "text" ? undefined : false}
        autocapitalize={type === "email" || secret ? "none" : undefined}
      />
    </div>
  );
}

/** A POST form to one of our page handlers; `returnTo` travels as a hidden field. */
export function PostForm({ action, returnTo, children }: { action: string; returnTo?: string; children?: Child }) {
  return (
    <form method="post" action={action} novalidate>
      {returnTo && returnTo !== "/" ? <input type="hidden" name="return_to" value={returnTo} /> : null}
      {children}
    </form>
  );
}

export function Notice({ children }: { children?: Child }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}
