// The pages without JavaScript: sign-up, verify by code (read on /dev/mail), sign-in and the demo at /.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";
import { submitSignIn, submitSignUp, verifyWithCodeFromDevMail } from "./helpers/pages.ts";
import { saveScreenshot } from "./helpers/screenshots.ts";

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());
beforeEach(async () => {
  context = await newContext(browser, { javaScriptEnabled: false });
  page = await context.newPage();
});
afterEach(() => context?.close());

describe("the pages with JavaScript disabled", () => {
  it("sign up, verify by code, sign in and land on /", async () => {
    const account = { email: uniqueEmail("no-js"), password: uniquePassword() };
    await page.goto("/");
    await page.waitForURL(/\/auth\/sign-in/);
    // The passkey form needs the script; without it, the password form is all there is to use.
    expect(await page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    await expectNoCspViolations(page);
    await saveScreenshot(page, "sign-in-no-javascript");

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/auth\/sign-up/);
    await submitSignUp(page, account);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Check your inbox");
    await expectNoCspViolations(page);

    await verifyWithCodeFromDevMail(page, account.email);
    await expectNoCspViolations(page);

    await page.getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL(/\/auth\/sign-in/);
    await submitSignIn(page, account);
    expect(page.url()).toBe(`${baseUrl()}/`);
    expect(await page.locator("#assertion-status").textContent()).toContain("Assertion verified");
    expect(await page.locator("#identity dt:has-text('Email') + dd").first().textContent()).toBe(account.email);
    await expectNoCspViolations(page);
  });
});
