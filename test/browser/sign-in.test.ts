// Sign-in through the page: a wrong password shows a focused, announced error summary and keeps the
// address; the right one lands on return_to.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signUpFromPage } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { baseUrl, launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";
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

describe("the sign-in page", () => {
  it("focuses and announces the error summary on a wrong password, keeps the address, then lands on return_to", async () => {
    const account = { email: uniqueEmail("sign-in"), password: uniquePassword() };
    // Setup, not the behaviour under test: a verified account, then a fresh context without its session.
    await page.goto("/healthz");
    expect((await signUpFromPage(page, account)).status).toBe(200);
    await context.clearCookies();

    await page.goto("/?tab=1");
    await page.waitForURL(/\/auth\/sign-in\?return_to=/);
    // The passkey form is offered, and a background autofill request that the browser refuses shows no error.
    await page.locator("[data-passkey-assert]").first().waitFor({ state: "visible" });
    await page.waitForLoadState("networkidle");
    expect(await page.locator("[data-passkey-error]").first().isVisible()).toBe(false);
    await page.getByLabel("Email address").fill(account.email);
    await page.getByLabel("Password", { exact: true }).fill(`${account.password} wrong`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForSelector("#error-summary");

    const summary = page.getByRole("alert", { name: "There is a problem" });
    expect(await summary.textContent()).toContain("The email or password is incorrect.");
    expect(await summary.getAttribute("aria-labelledby")).toBe("error-summary-title");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
    expect(await page.getByLabel("Email address").inputValue()).toBe(account.email);
    expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");
    await expectNoCspViolations(page);
    await expectNoSeriousAxeViolations(page);
    await saveScreenshot(page, "sign-in-wrong-password");

    await page.getByLabel("Password", { exact: true }).fill(account.password);
    await Promise.all([
      page.waitForURL((url) => url.pathname !== "/auth/sign-in"),
      page.getByRole("button", { name: "Sign in", exact: true }).click(),
    ]);
    expect(page.url()).toBe(`${baseUrl()}/?tab=1`);
    await expect.poll(() => page.locator("#assertion-status").textContent()).toContain("Assertion verified");
    await expectNoCspViolations(page);
  });
});
