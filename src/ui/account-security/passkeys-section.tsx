// The passkeys section: the list (name, added, last used) with rename and remove, and the add form the
// passkey script drives (registration ceremony into an ordinary form POST).
import { Field, type FormState } from "../components/form.tsx";
import { Time } from "../components/time.tsx";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import type { View } from "../view.ts";
import { REAUTHENTICATE_LOCATION, SECURITY_PATH } from "./guard.ts";

export type PasskeyRow = { id: string; name: string; createdAt: string; lastUsedAt: string | null };

/** The id of a passkey's rename input (and the key of its error in FormState.errors). */
export const renameFieldId = (passkeyId: string) => `passkey-name-${passkeyId}`;

export function PasskeysSection(props: { view: View; passkeys: PasskeyRow[]; stepUp: boolean; state: FormState }) {
  const { view, passkeys, stepUp, state } = props;
  const s = view.t.accountSecurity;
  return (
    <section aria-labelledby="passkeys-heading" id="passkeys">
      <h2 id="passkeys-heading">{s.passkeysHeading}</h2>
      <p>{s.passkeysIntro}</p>
      {passkeys.length === 0 ? (
        <p class="muted" id="passkeys-none">
          {s.passkeysNone}
        </p>
      ) : (
        <table id="passkey-list">
          <thead>
            <tr>
              <th scope="col">{s.passkeyName}</th>
              <th scope="col">{s.passkeyCreated}</th>
              <th scope="col">{s.passkeyLastUsed}</th>
              <th scope="col">{s.passkeyActions}</th>
            </tr>
          </thead>
          <tbody>
            {passkeys.map((passkey) => (
              <PasskeyItem view={view} passkey={passkey} state={state} />
            ))}
          </tbody>
        </table>
      )}
      {stepUp ? (
        <p>
          {s.stepUpNeeded}{" "}
          <a href={REAUTHENTICATE_LOCATION} id="step-up-link">
            {s.confirmIdentity}
          </a>
        </p>
      ) : (
        <AddPasskeyForm view={view} state={state} />
      )}
    </section>
  );
}

function PasskeyItem({ view, passkey, state }: { view: View; passkey: PasskeyRow; state: FormState }) {
  const s = view.t.accountSecurity;
  const fieldId = renameFieldId(passkey.id);
  const error = state.errors?.[fieldId];
  return (
    <tr data-passkey-id={passkey.id}>
      <th scope="row">{passkey.name}</th>
      <td>
        <Time view={view} at={passkey.createdAt} dateOnly />
      </td>
      <td>{passkey.lastUsedAt ? <Time view={view} at={passkey.lastUsedAt} dateOnly /> : s.passkeyNeverUsed}</td>
      <td>
        <form method="post" action={`${SECURITY_PATH}/passkeys/${passkey.id}/rename`} novalidate>
          {error ? (
            <p class="field-error" id={`${fieldId}-error`}>
              {error}
            </p>
          ) : null}
          <input
            id={fieldId}
            name="name"
            type="text"
            autocomplete="off"
            required
            maxlength={64}
            value={passkey.name}
            aria-label={s.passkeyRenameLabel(passkey.name)}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? `${fieldId}-error` : undefined}
          />
          <button type="submit" class="secondary">
            {s.passkeyRename}
          </button>
        </form>
        <form method="post" action={`${SECURITY_PATH}/passkeys/${passkey.id}/remove`}>
          <button type="submit" class="danger" aria-label={s.passkeyRemoveLabel(passkey.name)}>
            {s.passkeyRemove}
          </button>
        </form>
      </td>
    </tr>
  );
}

function AddPasskeyForm({ view, state }: { view: View; state: FormState }) {
  const s = view.t.accountSecurity;
  return (
    <>
      <form
        method="post"
        action={`${SECURITY_PATH}/passkeys`}
        id="passkey-add-form"
        data-passkey-register
        data-options-url={PAGE_PASSKEY_OPTIONS.registration}
        novalidate
        hidden
      >
        <Field
          name="name"
          label={s.passkeyNewName}
          hint={s.passkeyNewNameHint}
          state={state}
          autocomplete="off"
          required={false}
          maxlength={64}
        />
        <input type="hidden" name="passkey_response" />
        <p data-passkey-error hidden>
          {s.passkeyAddFailed}
        </p>
        <button type="button" data-passkey-start>
          {s.passkeyAdd}
        </button>
      </form>
      <noscript>
        <p class="muted">{view.t.common.passkeyNeedsScript}</p>
      </noscript>
    </>
  );
}
