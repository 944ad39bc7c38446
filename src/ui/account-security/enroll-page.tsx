// The authenticator-app enrollment page: the QR code (an SVG rendered on the server, as a data: image),
// the key in text for typing, and the confirm form. The secret stays on the server between the two.
import { encodeBase64 } from "@oslojs/encoding";
import { ErrorSummary, Field, type FormState } from "../components/form.tsx";
import type { View } from "../view.ts";
import { SECURITY_PATH } from "./guard.ts";

export type EnrollPageProps = {
  view: View;
  enrollment: { secret: string; otpauthUri: string; qrSvg: string };
  state: FormState;
  /** Where the setup ends: carried by the confirm form to the recovery-codes page. */
  returnTo: string;
};

/** "ABCDEFGH…" → "ABCD EFGH …": easier to read and type; the app ignores the spaces. */
export const groupKey = (secret: string) => secret.match(/.{1,4}/g)?.join(" ") ?? secret;

const svgDataUri = (svg: string) => `data:image/svg+xml;base64,${encodeBase64(new TextEncoder().encode(svg))}`;

export function EnrollPage({ view, enrollment, state, returnTo }: EnrollPageProps) {
  const s = view.t.accountSecurity;
  return (
    <div class="card">
      <h1>{s.enrollTitle}</h1>
      <ErrorSummary view={view} state={state} />
      <p>{s.enrollScan}</p>
      <p>
        <img id="totp-qr" src={svgDataUri(enrollment.qrSvg)} alt={s.qrAlt} width={216} height={216} />
      </p>
      <dl>
        <dt id="totp-key-label">{s.keyLabel}</dt>
        <dd>
          <code id="totp-key">{groupKey(enrollment.secret)}</code>
        </dd>
      </dl>
      <p class="hint">{s.keyHint}</p>
      <p>
        <button type="button" class="secondary" data-copy-target="totp-key" hidden>
          {s.copyKey}
        </button>{" "}
        <a href={enrollment.otpauthUri} id="totp-open-in-app">
          {s.openInApp}
        </a>
      </p>
      <form method="post" action={`${SECURITY_PATH}/totp/confirm`} id="totp-confirm-form" novalidate>
        {returnTo !== "/" ? <input type="hidden" name="return_to" value={returnTo} /> : null}
        <Field
          name="code"
          label={s.confirmCode}
          hint={s.confirmHint}
          state={state}
          autocomplete="one-time-code"
          inputmode="numeric"
          secret
        />
        <div class="actions">
          <button type="submit">{s.confirmSubmit}</button>
          <a href={SECURITY_PATH} id="totp-cancel">
            {s.cancel}
          </a>
        </div>
      </form>
    </div>
  );
}
