// A passkey as the second step of a password sign-in: an account with an authenticator app (which turns
// two-step sign-in on) and a passkey signs in with its password, then answers /auth/two-factor with the passkey.
import { describe, expect, it } from "vitest";
import { signedInAccount } from "./helpers/api.ts";
import { addVirtualAuthenticator } from "./helpers/authenticator.ts";
import { enrollAuthenticatorApp } from "./helpers/authenticator-app.ts";
import { useNewPagePerTest } from "./helpers/browser.ts";
import { expectCleanPage } from "./helpers/checks.ts";
import { expectDemoIdentity } from "./helpers/demo.ts";
import { signOutThroughPage, submitSignIn } from "./helpers/pages.ts";
import { addPasskeyOnSecurityPage, recordCredentialRequests, withoutPasskeyAutofill } from "./helpers/passkeys.ts";

const browserTest = useNewPagePerTest();

describe("a passkey as second factor", () => {
  it("completes /auth/two-factor after the password, lands on return_to, and opens the requireMfa route", async () => {
    const { context, page } = browserTest;
    // Without autofill: the sign-in page would otherwise sign in with the passkey alone before the password.
    await withoutPasskeyAutofill(context);
    const requests = await recordCredentialRequests(context);
    const account = await signedInAccount(page, "second-factor");
    await enrollAuthenticatorApp(page);
    const authenticator = await addVirtualAuthenticator(context, page);
    // The enrollment proved a code moments ago: the security page asks for no step-up before the passkey.
    await addPasskeyOnSecurityPage(page, "Security key");
    expect(await authenticator.credentials()).toHaveLength(1);
    await signOutThroughPage(page);

    await page.goto("/?from=two-factor");
    await page.waitForURL(/\/auth\/sign-in\?return_to=/);
    await submitSignIn(page, account);
    expect(new URL(page.url()).pathname).toBe("/auth/two-factor");
    const passkeyButton = page.getByRole("button", { name: "Use a passkey instead" });
    await passkeyButton.waitFor({ state: "visible" });
    expect(await page.getByLabel("Code from your authenticator app").isVisible()).toBe(true);
    expect(await page.getByLabel("Recovery code", { exact: true }).isVisible()).toBe(true);
    await expectCleanPage(page, "two-factor-passkey");
    await Promise.all([page.waitForURL((url) => url.pathname === "/"), passkeyButton.click()]);

    const identity = await expectDemoIdentity(page, "/?from=two-factor");
    expect(identity.email).toBe(account.email);
    expect(identity.amr).toEqual(expect.arrayContaining(["pwd", "hwk", "mfa"]));
    expect(requests).toMatchObject([{ url: expect.stringContaining("/auth/two-factor"), outcome: "resolved" }]);
    await expectCleanPage(page);

    // The session now carries "mfa" and a fresh sign-in, so the requireMfa route opens without a step-up.
    const response = await page.goto("/secure");
    expect(response?.request().redirectedFrom()).toBeNull();
    expect(await expectDemoIdentity(page, "/secure")).toMatchObject({ email: account.email, route: "demo-secure" });
  });
});
