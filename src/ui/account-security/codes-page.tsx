// Recovery codes, shown once: the POST that made them renders this page (no-store) and nothing keeps
// them afterwards, so a reload or a later visit never shows them again. Copy (script) and download
// (a data: link, no script needed).
import type { View } from "../view.ts";
import { SECURITY_PATH } from "./guard.ts";

export type CodesPageProps = {
  view: View;
  codes: string[];
  justEnabled: boolean;
  /** The page the user was on before a forced enrollment; "/" sends them back to the security page. */
  returnTo: string;
};

/** The downloaded file's text: a heading line, then one code per line. */
export const codesFileText = (view: View, codes: string[]) =>
  `${view.t.accountSecurity.codesFileHeading(view.brand.name)}\n\n${codes.join("\n")}\n`;

export function CodesPage({ view, codes, justEnabled, returnTo }: CodesPageProps) {
  const s = view.t.accountSecurity;
  return (
    <div class="card">
      <h1>{s.codesTitle}</h1>
      {justEnabled ? (
        <p class="notice" role="status">
          {s.codesEnabled}
        </p>
      ) : null}
      <p>{s.codesIntro}</p>
      <h2 id="codes-label">{s.codesLabel}</h2>
      <pre id="codes">{codes.join("\n")}</pre>
      <div class="actions">
        <button type="button" class="secondary" data-copy-target="codes" hidden>
          {s.copyCodes}
        </button>
        <a
          id="codes-download"
          class="button secondary"
          download="recovery-codes.txt"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(codesFileText(view, codes))}`}
        >
          {s.downloadCodes}
        </a>
        <a id="codes-done" class="button" href={returnTo === "/" ? SECURITY_PATH : returnTo}>
          {s.codesDone}
        </a>
      </div>
    </div>
  );
}
