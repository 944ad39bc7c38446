// Step-up from the gateway's requireMfa route (/secure in the dev demo: requireMfa, maxAgeSeconds 300):
// a session signed in with the password alone is sent to /auth/reauthenticate, proves a second factor
// there with a passkey, and comes back to /secure.
import { describe, expect, it } from "vitest";
import { signedInAccount } from "./helpers/api.ts";
import { addVirtualAuthenticator } from "./helpers/authenticator.ts";
import { enrollAuthenticatorApp } from "./helpers/authenticator-app.ts";
import { useNewPagePerTest } from "./helpers/browser.ts";
import { expectCleanPage } from "./helpers/checks.ts";
import { expectDemoIdentity } from "./helpers/demo.ts";
import { redirectsOnTheWayTo } from "./helpers/pages.ts";
import { addPasskeyOnSecurityPage } from "./helpers/passkeys.ts";
import { ageSignIn } from "./helpers/session-age.ts";

const browserTest = useNewPagePerTest();

describe("step-up from a requireMfa gateway route", () => {
  it("sends a password-only session to /auth/reauthenticate, announces a cancelled passkey, and returns to /secure after one", async () => {
    const { context, page } = browserTest;
    const { email } = await signedInAccount(page, "step-up");
    const authenticator = await addVirtualAuthenticator(context, page);
    // Adding a passkey does not change how this session signed in: with the password alone.
    await addPasskeyOnSecurityPage(page, "Laptop");
    await page.goto("/");
    expect((await expectDemoIdentity(page, "/")).amr).toEqual(["pwd"]);

    expect(await redirectsOnTheWayTo(page, "/secure?tab=2")).toEqual([
      `/auth/sign-in?return_to=${encodeURIComponent("/secure?tab=2")}&step_up=1`,
      `/auth/reauthenticate?return_to=${encodeURIComponent("/secure?tab=2")}`,
    ]);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Confirm it is you");
    expect(await page.locator("main").textContent()).toContain(`Signed in as ${email}.`);
    // The password would leave the session password-only, and /secure would send the browser straight back.
    expect(await page.locator("main").textContent()).toContain("The page you were going to needs a second factor.");
    expect(await page.getByLabel("Password", { exact: true }).count()).toBe(0);
    const passkeyButton = page.getByRole("button", { name: "Confirm with a passkey" });
    await passkeyButton.waitFor({ state: "visible" });
    await expectCleanPage(page, "reauthenticate-passkey");

    // The person cancels the passkey prompt: the page stays, says so, and the button works again.
    await authenticator.setUserVerified(false);
    await passkeyButton.click();
    const failure = page.getByRole("alert").filter({ hasText: "That passkey could not be used." });
    await failure.waitFor({ state: "visible", timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe("/auth/reauthenticate");
    expect(await passkeyButton.isEnabled()).toBe(true);
    await expectCleanPage(page);
    await authenticator.setUserVerified(true);

    await Promise.all([page.waitForURL((url) => url.pathname === "/secure"), passkeyButton.click()]);
    const identity = await expectDemoIdentity(page, "/secure?tab=2");
    expect(identity).toMatchObject({ email, route: "demo-secure" });
    expect(identity.amr).toEqual(expect.arrayContaining(["pwd", "hwk", "mfa"]));
    await expectCleanPage(page);
    expect(await authenticator.credentials()).toMatchObject([{ signCount: 2 }]);
  });

  it("sends a session older than maxAgeSeconds to /auth/reauthenticate and back to /secure after a recovery code", async () => {
    const { context, page } = browserTest;
    const { email } = await signedInAccount(page, "stale");
    const { recoveryCodes } = await enrollAuthenticatorApp(page);
    // Confirming the app proved a code just now: multi-factor and recent, so /secure opens at once.
    await page.goto("/secure");
    expect(await expectDemoIdentity(page, "/secure")).toMatchObject({ email, route: "demo-secure" });

    // The same session, its sign-in an hour old (the route allows 300 s).
    await ageSignIn(context);
    expect(await redirectsOnTheWayTo(page, "/secure")).toEqual([
      `/auth/sign-in?return_to=${encodeURIComponent("/secure")}&step_up=1`,
      `/auth/reauthenticate?return_to=${encodeURIComponent("/secure")}`,
    ]);
    expect(await page.locator("main").textContent()).toContain("The page you were going to needs a second factor.");
    expect(await page.getByLabel("Password", { exact: true }).count()).toBe(0);
    await expectCleanPage(page, "reauthenticate-second-factor");

    await page.getByLabel("Recovery code", { exact: true }).fill(recoveryCodes[0] ?? "");
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/secure"),
      page.getByRole("button", { name: "Confirm with recovery code" }).click(),
    ]);
    const identity = await expectDemoIdentity(page, "/secure");
    expect(identity).toMatchObject({ email, route: "demo-secure" });
    expect(identity.amr).toContain("mfa");
    await expectCleanPage(page);
  });
});
