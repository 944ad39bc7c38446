// The dev demo in a real browser: the gateway sends a visitor without a session to sign in, and a
// signed-up user sees the identity the demo origin verified, with no CSP or serious axe violation.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signUpFromPage } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { baseUrl, launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";
import { codeFrom, codeIn, openNewestMailInDevMail, waitForMail } from "./helpers/mail.ts";
import { redirectsOnTheWayTo, submitSignIn } from "./helpers/pages.ts";
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

describe("the dev demo behind the gateway", () => {
  it("answers /healthz in the browser", async () => {
    const response = await page.goto("/healthz");
    expect(response?.status()).toBe(200);
    expect(await response?.json()).toMatchObject({ status: "ok", db: { ok: true } });
  });

  it("sends a browser without a session from / to sign-in with return_to", async () => {
    expect((await redirectsOnTheWayTo(page, "/secure/area?tab=1"))[0]).toBe(
      `/auth/sign-in?return_to=${encodeURIComponent("/secure/area?tab=1")}`,
    );
    expect((await redirectsOnTheWayTo(page, "/"))[0]).toBe(`/auth/sign-in?return_to=${encodeURIComponent("/")}`);
    expect(new URL(page.url()).pathname).toBe("/auth/sign-in");
  });

  it("takes a newcomer from / through sign-up, the code on /dev/mail and sign-in to the verified identity", async () => {
    const email = uniqueEmail("demo");
    const password = uniquePassword();
    await page.goto("/");
    await page.waitForURL(/\/auth\/sign-in/);
    await expectNoCspViolations(page);
    await expectNoSeriousAxeViolations(page);
    await saveScreenshot(page, "sign-in-redirected");

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/auth\/sign-up/);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await expectNoCspViolations(page);
    await expectNoSeriousAxeViolations(page);
    await saveScreenshot(page, "sign-up-filled");
    await page.getByRole("button", { name: "Create account" }).click();

    await page.waitForURL(/\/auth\/verify-email/);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Check your inbox");
    expect(await page.locator("main").textContent()).toContain(email);
    await expectNoCspViolations(page);
    await expectNoSeriousAxeViolations(page);
    await saveScreenshot(page, "verify-email-check-inbox");
    const verifyUrl = page.url();

    // The code as a newcomer reads it, on /dev/mail in the same browser (the outbox holds the same message).
    const mail = await openNewestMailInDevMail(page, email, { pattern: /verification code/ });
    expect(codeIn(mail.text)).toBe(codeFrom(await waitForMail(email, { template: "email_verification" })));
    await expectNoCspViolations(page);
    await expectNoSeriousAxeViolations(page);
    await saveScreenshot(page, "dev-mail-verification");

    await page.goto(verifyUrl);
    expect(await page.getByLabel("Email address").inputValue()).toBe(email);
    await page.getByLabel("Verification code").fill(codeIn(mail.text));
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Your address is verified");
    await expectNoCspViolations(page);
    await expectNoSeriousAxeViolations(page);
    await saveScreenshot(page, "verify-email-verified");

    await page.getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL(/\/auth\/sign-in/);
    await submitSignIn(page, { email, password });

    expect(page.url()).toBe(`${baseUrl()}/`);
    await expect.poll(() => page.locator("#assertion-status").textContent()).toContain("Assertion verified");
    const identity = page.locator("#identity");
    expect(await identity.locator("dt:has-text('Email') + dd").first().textContent()).toBe(email);
    expect(await identity.textContent()).toContain("pwd");
    expect(await identity.locator("dt:has-text('Gateway route') + dd").textContent()).toBe("demo");
    expect(await identity.locator("dt:has-text('Auth source') + dd").textContent()).toBe("cookie");
    expect(await page.locator('form[method="post"][action="/auth/sign-out"]').count()).toBe(1);
    expect(await page.locator('a[href="/auth/account"]').count()).toBe(1);
    await expectNoCspViolations(page);
    await expectNoSeriousAxeViolations(page);
    await saveScreenshot(page, "demo-signed-in");
  });

  it("sends the signed-in user from the requireMfa route to step up", async () => {
    await page.goto("/healthz");
    const signup = await signUpFromPage(page, { email: uniqueEmail("step-up"), password: uniquePassword() });
    expect(signup.status).toBe(200);
    // The gateway's answer; where the sign-in page sends a signed-in user next is the pages' business.
    expect((await redirectsOnTheWayTo(page, "/secure"))[0]).toBe(
      `/auth/sign-in?return_to=${encodeURIComponent("/secure")}&step_up=1`,
    );
  });
});
