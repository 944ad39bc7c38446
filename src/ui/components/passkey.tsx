// The markup the passkey script (src/ui/client/passkeys.ts) acts on. Pages never write JavaScript:
// - <form data-passkey-assert data-options-url=… [data-options-body=JSON] [data-passkey-autofill]>: the
//   script POSTs the body (or {}) as JSON to the options URL, expects {"options": request options},
//   runs the WebAuthn assertion, puts JSON.stringify(result) into passkey_response and submits the form.
// - <form data-passkey-register …>: the same with creation options and a registration; the form's other
//   inputs (a passkey's name) are checked before the ceremony and submitted with it.
// - <button data-copy-target=<id> [data-copied-label]>: copies that element's text.
// Each starts hidden; the script reveals it when the browser can do it. A failed or cancelled ceremony
// reveals the form's [data-passkey-error] (role=alert, so it is announced).
import type { Child } from "hono/jsx";

export type PasskeyFormProps = {
  /** The page handler that verifies passkey_response. */
  action: string;
  /** The page's options route (JSON in, {"options": …} out). */
  optionsUrl: string;
  /** JSON the script sends to the options route. */
  optionsBody?: string;
  returnTo?: string;
  label: string;
  /** Shown when the ceremony fails or is cancelled. */
  errorText: string;
  /** Also offer the user's passkeys in the browser's autofill (needs an input with autocomplete "… webauthn"). */
  autofill?: boolean;
  id?: string;
  /** Other inputs submitted with the response (e.g. the passkey's name for a registration). */
  children?: Child;
};

function PasskeyForm(props: PasskeyFormProps & { ceremony: "assert" | "register" }) {
  const hooks = props.ceremony === "assert" ? { "data-passkey-assert": "" } : { "data-passkey-register": "" };
  return (
    <form
      method="post"
      action={props.action}
      id={props.id}
      class="passkey"
      hidden
      novalidate
      data-options-url={props.optionsUrl}
      data-options-body={props.optionsBody}
      data-passkey-autofill={props.autofill ? "" : undefined}
      {...hooks}
    >
      {props.returnTo && props.returnTo !== "/" ? (
        <input type="hidden" name="return_to" value={props.returnTo} />
      ) : null}
      <input type="hidden" name="passkey_response" value="" />
      {props.children}
      <p class="passkey-error" role="alert" data-passkey-error="" hidden>
        {props.errorText}
      </p>
      <button type="button" class="secondary block" data-passkey-start="">
        {props.label}
      </button>
    </form>
  );
}

/** A passkey assertion (sign-in, second factor, step-up) submitted to `action` as passkey_response. */
export const PasskeyAssertForm = (props: PasskeyFormProps) => <PasskeyForm {...props} ceremony="assert" />;

/** A passkey registration submitted to `action` as passkey_response with the form's other inputs. */
export const PasskeyRegisterForm = (props: Omit<PasskeyFormProps, "autofill">) => (
  <PasskeyForm {...props} ceremony="register" />
);

/** Copies the text of the element with id `target` (revealed only where the clipboard is available). */
export function CopyButton({ target, label, copiedLabel }: { target: string; label: string; copiedLabel?: string }) {
  return (
    <button type="button" class="secondary" data-copy-target={target} data-copied-label={copiedLabel} hidden>
      {label}
    </button>
  );
}
