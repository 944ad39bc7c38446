// Issue 15: a signed-in user's theme preference takes effect on the hosted pages in real Chromium,
// overriding the device's prefers-color-scheme, and the language preference sets <html lang>. Only the
// English catalogue exists, so the locale half proves the chosen catalogue is used, not a switch of words.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInAccount } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { saveScreenshot } from "./helpers/screenshots.ts";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

// The stylesheet's --bg in each scheme (#f6f7f9 light, #111318 dark), as computed styles report them.
const LIGHT_BACKGROUND = "rgb(246, 247, 249)";
const DARK_BACKGROUND = "rgb(17, 19, 24)";

const looks = (page: Page) =>
  page.evaluate(() => ({
    theme: document.documentElement.dataset.theme,
    lang: document.documentElement.lang,
    background: getComputedStyle(document.documentElement).backgroundColor,
    colorScheme: getComputedStyle(document.documentElement).colorScheme,
  }));

async function choose(page: Page, theme: "DARK" | "LIGHT" | "SYSTEM") {
  await page.goto("/auth/account");
  await page.locator("#theme").selectOption(theme);
  await page.locator("#locale").selectOption("en");
  await page.locator("#save-preferences").click();
  await page.waitForURL("**/auth/account?done=preferences");
}

describe("the theme preference on the hosted pages", () => {
  it("DARK turns a light device's pages dark, on every signed-in page, until reset to SYSTEM", async () => {
    const context = await newContext(browser, { colorScheme: "light", locale: "de-DE" });
    try {
      const page = await context.newPage();
      await signedInAccount(page, "dark-theme");
      await page.goto("/auth/account");
      expect(await looks(page)).toMatchObject({ theme: "system", background: LIGHT_BACKGROUND });

      await choose(page, "DARK");
      expect(await looks(page)).toEqual({
        theme: "dark",
        lang: "en",
        background: DARK_BACKGROUND,
        colorScheme: "dark",
      });
      await expectNoCspViolations(page);
      await expectNoSeriousAxeViolations(page);
      // The axe check emulates both schemes and then clears the emulation: put the light device back.
      await page.emulateMedia({ colorScheme: "light" });
      await saveScreenshot(page, "account-dark-theme");
      for (const path of ["/auth/account/security", "/auth/account/email"]) {
        await page.goto(path);
        expect([path, await looks(page)]).toMatchObject([path, { theme: "dark", background: DARK_BACKGROUND }]);
      }

      await choose(page, "SYSTEM");
      expect(await looks(page)).toMatchObject({ theme: "system", background: LIGHT_BACKGROUND });
    } finally {
      await context.close();
    }
  });

  it("LIGHT keeps a dark device's pages light; signed out, the device's scheme applies again", async () => {
    const context = await newContext(browser, { colorScheme: "dark" });
    try {
      const page = await context.newPage();
      await signedInAccount(page, "light-theme");
      await page.goto("/auth/account");
      expect(await looks(page)).toMatchObject({ theme: "system", background: DARK_BACKGROUND });
      await choose(page, "LIGHT");
      expect(await looks(page)).toMatchObject({ theme: "light", background: LIGHT_BACKGROUND, colorScheme: "light" });
      await expectNoSeriousAxeViolations(page);
      await page.emulateMedia({ colorScheme: "dark" });

      await page.goto("/auth/sign-out");
      await page.getByRole("button", { name: /sign out/i }).click();
      await page.waitForURL("**/auth/signed-out**");
      expect(await looks(page)).toMatchObject({ theme: "system", background: DARK_BACKGROUND });
    } finally {
      await context.close();
    }
  });
});
