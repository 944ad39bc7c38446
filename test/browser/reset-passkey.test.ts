// A password reset whose second factor is a passkey, in a real browser with Chrome's virtual authenticator:
// the page's script asks its options route through the typed client (the link's token in the body; the
// browser sends it as a stream, which Playwright cannot read, so the route's 200 is what shows it arrived),
// the passkey answers, and the new password is set.
import { describe, expect, it } from "vitest";
import { signedInAccount } from "./helpers/api.ts";
import { addVirtualAuthenticator } from "./helpers/authenticator.ts";
import { enrollAuthenticatorApp } from "./helpers/authenticator-app.ts";
import { useNewPagePerTest } from "./helpers/browser.ts";
import { expectCleanPage } from "./helpers/checks.ts";
import { uniquePassword } from "./helpers/identities.ts";
import { linksFrom, waitForMail } from "./helpers/mail.ts";
import { signOutThroughPage, submitSignIn } from "./helpers/pages.ts";
import { addPasskeyOnSecurityPage, withoutPasskeyAutofill } from "./helpers/passkeys.ts";

const browserTest = useNewPagePerTest();

describe("password reset with a passkey", () => {
  it("confirms the reset with the passkey, sending the link's token to the options route", async () => {
    const { context, page } = browserTest;
    // Without autofill: the sign-in page at the end must wait for the password, not sign in with the passkey.
    await withoutPasskeyAutofill(context);
    const account = await signedInAccount(page, "reset-passkey");
    // A passkey is a second factor once two-step sign-in is on (the authenticator app).
    await enrollAuthenticatorApp(page);
    const authenticator = await addVirtualAuthenticator(context, page);
    await addPasskeyOnSecurityPage(page, "Phone");
    await signOutThroughPage(page);

    await page.goto("/auth/forgot-password");
    await page.getByLabel("Email address").fill(account.email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Check your inbox");
    const mail = await waitForMail(account.email, { template: "password_reset" });
    const link = linksFrom(mail).find((candidate) => candidate.includes("/auth/reset-password?token="));
    if (!link) throw new Error("the reset mail has no reset link");

    await page.goto(link);
    const form = page.locator("#reset-passkey");
    await form.waitFor({ state: "visible" });
    await expectCleanPage(page);
    const newPassword = uniquePassword();
    await form.getByLabel("New password").fill(newPassword);
    const [options] = await Promise.all([
      page.waitForRequest((request) => request.url().endsWith("/auth/reset-password/passkey-options")),
      form.getByRole("button", { name: "Confirm with a passkey" }).click(),
    ]);
    expect(options.method()).toBe("POST");
    expect(await options.headerValue("content-type")).toContain("application/json");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Your password is changed");
    await expectCleanPage(page);
    // The route answers options only for the link's token (the body the script sent): the passkey was asked.
    expect((await options.response())?.status()).toBe(200);
    expect(await authenticator.credentials()).toHaveLength(1);

    // The new password is the one that works now (the passkey then answers the second step).
    await page.goto("/auth/sign-in");
    await page.getByLabel("Email address").fill(account.email);
    await page.getByLabel("Password", { exact: true }).fill(account.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForSelector("#error-summary");
    await submitSignIn(page, { email: account.email, password: newPassword });
    expect(new URL(page.url()).pathname).toBe("/auth/two-factor");
  });
});
