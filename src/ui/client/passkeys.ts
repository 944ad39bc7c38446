// The hosted pages' one script: passkey ceremonies and the copy button (everything else works without
// JavaScript). Built by scripts/build-client.ts into src/ui/assets/generated/, served with a content hash.
// Pages mark what they offer with data-* hooks (the markup is built by src/ui/components/passkey.tsx,
// which documents the contract); this file finds them, runs the ceremony and submits an ordinary form,
// so the server verifies the result like any other form post.

import { createCookieClient } from "@portcullis/client";
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";
import { PAGE_PASSKEY_OPTIONS, type PagePasskeyOptionsPath } from "../passkey-options-paths.ts";

type Ceremony = "assert" | "register" | "autofill";

// The page's own origin; an expired access cookie is refreshed once and the call retried.
const client = createCookieClient();

/** The form's data-options-body, `{}` when it has none. */
function optionsBody(form: HTMLFormElement): Record<string, unknown> {
  const parsed: unknown = JSON.parse(form.dataset.optionsBody || "{}");
  if (typeof parsed !== "object" || parsed === null) throw new Error("options body: not an object");
  return parsed as Record<string, unknown>;
}

/** Each options route's typed call; a data-options-url that is not one of them is refused. */
const OPTIONS_CALLS: Record<
  PagePasskeyOptionsPath,
  (form: HTMLFormElement) => Promise<{ data?: { options: unknown } }>
> = {
  [PAGE_PASSKEY_OPTIONS.signIn]: () => client.POST(PAGE_PASSKEY_OPTIONS.signIn),
  [PAGE_PASSKEY_OPTIONS.twoFactor]: () => client.POST(PAGE_PASSKEY_OPTIONS.twoFactor),
  [PAGE_PASSKEY_OPTIONS.reauthenticate]: () => client.POST(PAGE_PASSKEY_OPTIONS.reauthenticate),
  [PAGE_PASSKEY_OPTIONS.resetPassword]: (form) =>
    client.POST(PAGE_PASSKEY_OPTIONS.resetPassword, { body: optionsBody(form) as { token: string } }),
  [PAGE_PASSKEY_OPTIONS.registration]: () => client.POST(PAGE_PASSKEY_OPTIONS.registration, { body: {} }),
};

const isOptionsPath = (url: string): url is PagePasskeyOptionsPath => Object.hasOwn(OPTIONS_CALLS, url);

/** The options the form's options route answers (its `options` member). */
async function fetchOptions(form: HTMLFormElement): Promise<unknown> {
  const url = form.dataset.optionsUrl ?? "";
  if (!isOptionsPath(url)) throw new Error("options: unknown route");
  const { data } = await OPTIONS_CALLS[url](form);
  if (!data?.options) throw new Error("options: refused");
  return data.options;
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
