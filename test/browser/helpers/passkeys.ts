// Passkeys through the hosted pages: adding one on the security page, and watching or turning off the
// page script's WebAuthn requests (navigator.credentials.get) from outside the page.
import type { BrowserContext, Page } from "playwright-core";

export const SECURITY_PATH = "/auth/account/security";

/** Adds a passkey named `name` on the security page (the session must need no step-up) and waits for the notice. */
export async function addPasskeyOnSecurityPage(page: Page, name: string): Promise<void> {
  await page.goto(SECURITY_PATH);
  await page.getByLabel("Name for the new passkey").fill(name);
  await Promise.all([
    page.waitForURL(/[?&]done=passkey_added/),
    page.getByRole("button", { name: "Add a passkey" }).click(),
  ]);
}

export type CredentialRequest = {
  /** The document that asked. */
  url: string;
  mediation: string | null;
  /** The inputs that offer passkeys in autofill when the request was made (their name and autocomplete). */
  autofillFields: Array<{ name: string; autocomplete: string }>;
  outcome: "resolved" | "rejected";
  error: string | null;
};

/**
 * Records every navigator.credentials.get of every document in `context`, with how it ended: the list
 * lives in the test process (an exposed binding), so it survives the navigation a ceremony ends with.
 */
export async function recordCredentialRequests(context: BrowserContext): Promise<CredentialRequest[]> {
  const requests: CredentialRequest[] = [];
  await context.exposeBinding("__recordCredentialRequest", ({ page }, request: Omit<CredentialRequest, "url">) => {
    requests.push({ url: page.url(), ...request });
  });
  await context.addInitScript(() => {
    const record = (window as unknown as { __recordCredentialRequest: (request: unknown) => Promise<void> })
      .__recordCredentialRequest;
    const get = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = async (options) => {
      const fields = [...document.querySelectorAll<HTMLInputElement>('input[autocomplete~="webauthn"]')];
      const seen = {
        mediation: options?.mediation ?? null,
        autofillFields: fields.map((field) => ({ name: field.name, autocomplete: field.autocomplete })),
      };
      try {
        const credential = await get(options);
        await record({ ...seen, outcome: "resolved", error: null });
        return credential;
      } catch (error) {
        await record({ ...seen, outcome: "rejected", error: error instanceof Error ? error.name : String(error) });
        throw error;
      }
    };
  });
  return requests;
}

/**
 * Makes `context` a browser that offers no passkeys in autofill (isConditionalMediationAvailable is false),
 * so the passkey buttons are the only ceremonies: with Chrome's virtual authenticator a conditional request
 * resolves at once whenever a passkey exists, which would sign in before any button is pressed.
 */
export async function withoutPasskeyAutofill(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    Object.defineProperty(PublicKeyCredential, "isConditionalMediationAvailable", {
      value: () => Promise.resolve(false),
    });
  });
}
