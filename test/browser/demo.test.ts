// The dev demo in a real browser: the gateway sends a visitor without a session to sign in, and a
// signed-up user sees the identity the demo origin verified, with no CSP or serious axe violation.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postJsonFromPage, signUpFromPage } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { baseUrl, launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";
import { codeFrom, codeIn, openNewestMailInDevMail, waitForMail } from "./helpers/mail.ts";
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

/** Navigates to `path` and returns the Location of every redirect on the way (the target may not exist yet). */
async function redirectsOnTheWayTo(path: string): Promise<string[]> {
  const locations: string[] = [];
  const record = (response: { status: () => number; headers: () => Record<string, string> }) => {
    if (response.status() === 302) locations.push(response.headers().location ?? "");
  };
  page.on("response", record);
  await page.goto(path);
  page.off("response", record);
  return locations;
}

describe("the dev demo behind the gateway", () => {
  it("answers /healthz in the browser", async () => {
    const response = await page.goto("/healthz");
    expect(response?.status()).toBe(200);
    expect(await response?.json()).toMatchObject({ status: "ok", db: { ok: true } });
  });

  it("sends a browser without a session from / to sign-in with return_to", async () => {
    expect((await redirectsOnTheWayTo("/secure/area?tab=1"))[0]).toBe(
      `/auth/sign-in?return_to=${encodeURIComponent("/secure/area?tab=1")}`,
    );
    expect((await redirectsOnTheWayTo("/"))[0]).toBe(`/auth/sign-in?return_to=${encodeURIComponent("/")}`);
    expect(new URL(page.url()).pathname).toBe("/auth/sign-in");
  });

  it("shows a signed-up user the identity whose assertion verified, with no CSP or axe violation", async () => {
    const email = uniqueEmail("demo");
    const password = uniquePassword();
    // A page on the gateway's origin (no CSP of its own) to call the JSON API from, as the pages will.
    await page.goto("/healthz");
    const signup = await signUpFromPage(page, { email, password });
    // Development does not require a verified address (REQUIRE_EMAIL_VERIFICATION is off outside production).
    expect(signup).toMatchObject({ status: 201, body: { status: "signed_in" } });
    // The code as a newcomer reads it: on /dev/mail (the same message is in GET /dev/outbox).
    const mail = await openNewestMailInDevMail(page, email, { pattern: /verification code/ });
    expect(codeFrom(await waitForMail(email, { template: "email_verification" }))).toBe(codeIn(mail.text));
    await page.goto("/healthz");
    const verify = await postJsonFromPage(page, "/auth/email/verify", { code: codeIn(mail.text) });
    expect(verify).toEqual({ status: 200, body: { status: "verified" } });

    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
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
    expect(signup.status).toBe(201);
    // The gateway's answer; where the sign-in page sends a signed-in user next is the pages' business.
    expect((await redirectsOnTheWayTo("/secure"))[0]).toBe(
      `/auth/sign-in?return_to=${encodeURIComponent("/secure")}&step_up=1`,
    );
  });
});
