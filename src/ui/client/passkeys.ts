// The hosted pages' one script: passkey ceremonies and the copy button (everything else works without
// JavaScript). Built by scripts/build-client.ts into src/ui/assets/generated/, served with a content hash.
// Pages mark what they offer with data-* hooks (the markup is built by src/ui/components/passkey.tsx,
// which documents the contract); this file finds them, runs the ceremony and submits an ordinary form,
// so the server verifies the result like any other form post.
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";

type Ceremony = "assert" | "register" | "autofill";

/** POSTs the form's options body to its options URL; the `options` member of the JSON answer. */
async function fetchOptions(form: HTMLFormElement): Promise<unknown> {
  const url = form.dataset.optionsUrl;
  if (!url) throw new Error("no options url");
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: form.dataset.optionsBody || "{}",
  });
  if (!response.ok) throw new Error(`options: ${response.status}`);
  const body = (await response.json()) as { options?: unknown };
  if (!body.options) throw new Error("options: empty");
  return body.options;
}

function showError(form: HTMLFormElement, shown: boolean): void {
  for (const element of form.querySelectorAll<HTMLElement>("[data-passkey-error]")) element.hidden = !shown;
}

function setBusy(form: HTMLFormElement, busy: boolean): void {
  for (const button of form.querySelectorAll<HTMLButtonElement>("[data-passkey-start]")) button.disabled = busy;
}

async function run(form: HTMLFormElement, ceremony: Ceremony): Promise<void> {
  const field = form.querySelector<HTMLInputElement>('input[name="passkey_response"]');
  if (!field) return;
  if (ceremony !== "autofill") {
    showError(form, false);
    setBusy(form, true);
  }
  try {
    const optionsJSON = (await fetchOptions(form)) as never;
    const result =
      ceremony === "register"
        ? await startRegistration({ optionsJSON })
        : await startAuthentication({ optionsJSON, useBrowserAutofill: ceremony === "autofill" });
    field.value = JSON.stringify(result);
    form.submit();
  } catch (_error) {
    // Autofill is opportunistic: aborted when the user presses the button, refused (NotSupportedError) where
    // the browser cannot offer passkeys in the field. Neither is the user's failure, so nothing is shown.
    if (ceremony === "autofill") return;
    showError(form, true);
  } finally {
    // An aborted autofill request must not re-enable the button of the ceremony that aborted it.
    if (ceremony !== "autofill") setBusy(form, false);
  }
}

function wire(form: HTMLFormElement, ceremony: "assert" | "register"): void {
  form.hidden = false;
  for (const button of form.querySelectorAll<HTMLButtonElement>("[data-passkey-start]")) {
    button.addEventListener("click", () => {
      // Other fields (a passkey's name) must be valid before the ceremony, not after it.
      if (!form.checkValidity()) {
        form.reportValidity();
        return;
      }
      void run(form, ceremony);
    });
  }
}

async function start(): Promise<void> {
  for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-copy-target]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.copyTarget ?? "");
      if (!target) return;
      void navigator.clipboard.writeText(target.textContent?.trim() ?? "").then(() => {
        if (button.dataset.copiedLabel) button.textContent = button.dataset.copiedLabel;
      });
    });
  }
  if (!browserSupportsWebAuthn()) return;
  for (const form of document.querySelectorAll<HTMLFormElement>("form[data-passkey-register]")) wire(form, "register");
  const assertions = [...document.querySelectorAll<HTMLFormElement>("form[data-passkey-assert]")];
  for (const form of assertions) wire(form, "assert");
  const autofill = assertions.find((form) => form.hasAttribute("data-passkey-autofill"));
  if (autofill && (await browserSupportsWebAuthnAutofill())) void run(autofill, "autofill");
}

void start();
