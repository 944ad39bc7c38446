// Issue 15 (finishing): in real Chromium, a route with requireOnboarding sends a signed-in browser to the
// hosted onboarding page, which walks the steps (a form, then a confirmation), finishes, and returns to
// the origin with a token that says onboarding is complete.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInAccount } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { expectDemoIdentity } from "./helpers/demo.ts";
import { saveScreenshot } from "./helpers/screenshots.ts";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe("onboarding through the hosted page", () => {
  it("goes gateway redirect → /onboarding → each step → finish → back to the origin", async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const account = await signedInAccount(page, "onboarding");

      await page.goto("/onboarded/dashboard?tab=1");
      await page.waitForURL("**/onboarding?return_to=*");
      expect(new URL(page.url()).searchParams.get("return_to")).toBe("/onboarded/dashboard?tab=1");
      expect(await page.locator("h1").textContent()).toBe("Set up your account");
      expect(await page.locator('[data-step="about"]').getAttribute("data-status")).toBe("current");
      expect(await page.locator('[data-verification="email"]').getAttribute("data-verified")).toBe("true");
      await expectNoCspViolations(page);
      await expectNoSeriousAxeViolations(page);
      await saveScreenshot(page, "onboarding-first-step");

      // A required field left empty is refused on the page, next to the field.
      await page.locator("#step-submit").click();
      await page.waitForURL("**/onboarding/steps/about");
      expect((await page.locator("#company-error").textContent())?.trim()).toBe("Company: this is required.");

      await page.locator("#company").fill("Acme");
      await page.locator("#step-submit").click();
      await page.waitForURL("**/onboarding?return_to=*");
      expect(await page.locator('[data-step="about"]').getAttribute("data-status")).toBe("completed");
      expect(await page.locator("#step-heading").textContent()).toBe("Welcome");
      await page.locator("#step-submit").click();

      await page.locator("#onboarding-finish").click();
      await page.waitForURL("**/onboarded/dashboard?tab=1");
      const identity = await expectDemoIdentity(page, "/onboarded/dashboard?tab=1");
      expect(identity).toMatchObject({ email: account.email, route: "demo-onboarded" });
    } finally {
      await context.close();
    }
  });
});
