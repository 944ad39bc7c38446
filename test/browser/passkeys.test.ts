// Passkeys in a real browser with Chrome's virtual authenticator: added on the security page, then
// used to sign in with the "sign in with a passkey" button, and through the email field's autofill.
import { describe, expect, it } from "vitest";
import { signedInAccount } from "./helpers/api.ts";
import { addVirtualAuthenticator, type VirtualAuthenticator } from "./helpers/authenticator.ts";
import { useNewPagePerTest } from "./helpers/browser.ts";
import { expectCleanPage } from "./helpers/checks.ts";
import { expectDemoIdentity } from "./helpers/demo.ts";
import { signOutThroughPage } from "./helpers/pages.ts";
import {
  addPasskeyOnSecurityPage,
  recordCredentialRequests,
  SECURITY_PATH,
  withoutPasskeyAutofill,
} from "./helpers/passkeys.ts";

const browserTest = useNewPagePerTest();

/** Checks that the virtual authenticator holds one discoverable passkey of `email` for localhost. */
async function expectOnePasskeyOf(authenticator: VirtualAuthenticator, email: string): Promise<void> {
  const credentials = await authenticator.credentials();
  expect(credentials).toHaveLength(1);
  expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: "localhost" });
  expect(credentials[0]).toHaveProperty("userName", email);
}

describe("passkeys on the hosted pages", () => {
  it("adds a passkey on the security page, then signs in with the passkey button and lands on return_to", async () => {
    const { context, page } = browserTest;
    // The button is what a browser without passkey autofill offers; with autofill the page would not wait for it.
    await withoutPasskeyAutofill(context);
    const requests = await recordCredentialRequests(context);
    const { email } = await signedInAccount(page, "passkey");
    const authenticator = await addVirtualAuthenticator(context, page);

    await page.goto(SECURITY_PATH);
    expect(await page.locator("#passkeys-none").textContent()).toBe("You have no passkeys yet.");
    await expectCleanPage(page);
    await addPasskeyOnSecurityPage(page, "Work laptop");
    expect(await page.getByRole("status").first().textContent()).toContain("Passkey added.");
    const row = page.locator("#passkey-list tbody tr");
    expect(await row.count()).toBe(1);
    expect(await row.getByRole("rowheader").textContent()).toBe("Work laptop");
    expect(await row.locator("td").nth(1).textContent()).toBe("Never");
    await expectOnePasskeyOf(authenticator, email);
    await expectCleanPage(page, "account-security-passkey-added");

    await signOutThroughPage(page);
    await page.goto("/?from=passkey");
    await page.waitForURL(/\/auth\/sign-in\?return_to=/);
    const button = page.getByRole("button", { name: "Sign in with a passkey" });
    await button.waitFor({ state: "visible" });
    await expectCleanPage(page);
    await Promise.all([page.waitForURL((url) => url.pathname === "/"), button.click()]);

    const identity = await expectDemoIdentity(page, "/?from=passkey");
    expect(identity.email).toBe(email);
    expect(requests).toMatchObject([
      { url: expect.stringContaining("/auth/sign-in"), mediation: null, outcome: "resolved" },
    ]);
    // A passkey with user verification proves two factors on its own (RFC 8176: hwk + user).
    expect(identity.amr).toEqual(expect.arrayContaining(["hwk", "user", "mfa"]));
    expect(identity.amr).not.toContain("pwd");
    await expectCleanPage(page);

    await page.goto(SECURITY_PATH);
    expect(await page.locator("#passkey-list tbody tr td").nth(1).textContent()).not.toBe("Never");
  });

  it("signs in through the email field's passkey autofill (conditional mediation) with no button pressed", async () => {
    const { context, page } = browserTest;
    const requests = await recordCredentialRequests(context);
    const { email } = await signedInAccount(page, "autofill");
    const authenticator = await addVirtualAuthenticator(context, page);
    await addPasskeyOnSecurityPage(page, "Phone");
    await expectOnePasskeyOf(authenticator, email);
    await signOutThroughPage(page);
    expect(requests).toEqual([]);

    // Chrome's virtual environment answers a conditional request itself when a passkey exists (a person
    // would pick it from the field's suggestions); the page then submits it and lands on return_to.
    await page.goto(`/auth/sign-in?return_to=${encodeURIComponent("/?from=autofill")}`);
    await page.waitForURL((url) => url.pathname === "/");
    const identity = await expectDemoIdentity(page, "/?from=autofill");
    expect(identity).toMatchObject({ email, route: "demo" });
    expect(identity.amr).toEqual(expect.arrayContaining(["hwk", "user", "mfa"]));
    await expectCleanPage(page);

    expect(requests).toEqual([
      {
        url: expect.stringContaining("/auth/sign-in?return_to="),
        mediation: "conditional",
        autofillFields: [{ name: "email", autocomplete: "username webauthn" }],
        outcome: "resolved",
        error: null,
      },
    ]);
  });
});
