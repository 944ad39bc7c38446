// Sessions and devices on /auth/account in a real browser: one context signs another out from the list,
// and the other's next visit to the demo lands on sign-in.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJsonFromPage, signUpFromPage } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";
import { saveScreenshot } from "./helpers/screenshots.ts";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe("the devices list on the account page", () => {
  it("signs another session out, whose next navigation lands on sign-in", async () => {
    const email = uniqueEmail("devices");
    const password = uniquePassword();
    const contextA = await newContext(browser);
    // Another browser on another system, as the list names it.
    const contextB = await newContext(browser, {
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/130.0",
    });
    try {
      const pageA = await contextA.newPage();
      const pageB = await contextB.newPage();
      await pageA.goto("/healthz");
      expect((await signUpFromPage(pageA, { email, password })).status).toBe(200);
      await pageB.goto("/healthz");
      expect((await postJsonFromPage(pageB, "/auth/login", { email, password, client: "browser" })).status).toBe(200);
      expect((await pageB.goto("/"))?.url()).not.toContain("/auth/sign-in");

      await pageA.goto("/auth/account");
      const other = pageA.locator("#sessions tbody tr:not([data-current])");
      await expect.poll(() => other.count()).toBe(1);
      expect(await pageA.locator("#sessions tbody tr[data-current]").count()).toBe(1);
      await expectNoCspViolations(pageA);
      await expectNoSeriousAxeViolations(pageA);
      await saveScreenshot(pageA, "account-devices");

      await other.getByRole("button", { name: /^Sign out / }).click();
      await pageA.waitForURL("**/auth/account**");
      await expect.poll(() => pageA.locator("#sessions tbody tr:not([data-current])").count()).toBe(0);
      await expectNoCspViolations(pageA);
      await expectNoSeriousAxeViolations(pageA);
      await saveScreenshot(pageA, "account-devices-revoked");

      await pageB.goto("/");
      expect(new URL(pageB.url()).pathname).toBe("/auth/sign-in");
      await expectNoCspViolations(pageB);
      await expectNoSeriousAxeViolations(pageB);
    } finally {
      await contextA.close();
      await contextB.close();
    }
  });
});
