// Forgot password through the pages: the link read and clicked on /dev/mail, a new password, and every
// session that was signed in before (another browser here) signed out.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signUpFromPage } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { baseUrl, launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";
import { openNewestMailInDevMail } from "./helpers/mail.ts";
import { submitSignIn } from "./helpers/pages.ts";
import { saveScreenshot } from "./helpers/screenshots.ts";

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());
beforeEach(async () => {
  context = await newContext(browser);
  page = await context.newPage();
});
afterEach(() => context?.close());

async function expectPageChecks(target: Page, screenshot: string): Promise<void> {
  await expectNoCspViolations(target);
  await expectNoSeriousAxeViolations(target);
  await saveScreenshot(target, screenshot);
}

describe("forgot password", () => {
  it("resets the password from the mailed link and signs out every session signed in before", async () => {
    const account = { email: uniqueEmail("reset"), password: uniquePassword() };
    const newPassword = uniquePassword();
    // Setup: the account, signed in in another browser that the reset must sign out.
    const other = await newContext(browser);
    try {
      const otherPage = await other.newPage();
      await otherPage.goto("/healthz");
      expect((await signUpFromPage(otherPage, account)).status).toBe(200);
      expect((await otherPage.goto("/"))?.status()).toBe(200);
      expect(otherPage.url()).toBe(`${baseUrl()}/`);

      await page.goto("/auth/sign-in");
      await page.getByRole("link", { name: "Forgot your password?" }).click();
      await page.waitForURL(/\/auth\/forgot-password/);
      await page.getByLabel("Email address").fill(account.email);
      await expectPageChecks(page, "forgot-password-filled");
      await page.getByRole("button", { name: "Send the link" }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Check your inbox");
      await expectPageChecks(page, "forgot-password-sent");

      // The link as the user follows it: on /dev/mail, clicked.
      await openNewestMailInDevMail(page, account.email, { pattern: /reset-password\?token=/ });
      const message = page
        .locator("article[data-message-id]")
        .filter({ has: page.locator("[data-recipient]", { hasText: account.email }) })
        .filter({ hasText: "reset-password?token=" })
        .first();
      await message.locator("ul.links a", { hasText: "/auth/reset-password?token=" }).first().click();
      await page.waitForURL(/\/auth\/reset-password\?token=/);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Choose a new password");
      await page.getByLabel("New password").fill(newPassword);
      await expectPageChecks(page, "reset-password-form");
      await page.getByRole("button", { name: "Set the new password" }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Your password is changed");
      await expectPageChecks(page, "reset-password-done");

      // The other browser's next request to / is sent to sign in.
      await otherPage.goto("/");
      expect(new URL(otherPage.url()).pathname).toBe("/auth/sign-in");

      // The old password no longer works; the new one does.
      await page.getByRole("link", { name: "Sign in" }).click();
      await page.waitForURL(/\/auth\/sign-in/);
      await page.getByLabel("Email address").fill(account.email);
      await page.getByLabel("Password", { exact: true }).fill(account.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForSelector("#error-summary");
      await submitSignIn(page, { email: account.email, password: newPassword });
      expect(page.url()).toBe(`${baseUrl()}/`);
      await expectNoCspViolations(page);
    } finally {
      await other.close();
    }
  });
});
