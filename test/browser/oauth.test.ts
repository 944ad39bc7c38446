// Social sign-in in a real browser: the sign-in page's "Continue with Test OP" link, the local OpenID
// provider's own login and consent pages filled in Chromium, back on return_to signed in; and for an
// account with an authenticator app, the second factor after the provider.
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { enrollAuthenticatorApp } from "./helpers/authenticator-app.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { baseUrl, newContext, useNewPagePerTest } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail } from "./helpers/identities.ts";
import { saveScreenshot } from "./helpers/screenshots.ts";
import { msUntilNextStep, totpCode } from "./helpers/totp.ts";

const session = useNewPagePerTest();
const RETURN_TO = "/auth/account";
const provider = () => inject("oauthProvider");

/** From the sign-in page: the provider's link, its login form as `email`, its consent (when it asks). */
async function continueWithProvider(page: Page, email: string): Promise<void> {
  await page.goto(`/auth/sign-in?return_to=${encodeURIComponent(RETURN_TO)}`);
  await page.getByRole("link", { name: `Continue with ${provider().displayName}` }).click();
  await page.getByRole("heading", { name: "Sign in to Test OP" }).waitFor();
  expect(new URL(page.url()).hostname).toBe("127.0.0.1");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill("Ada Lovelace");
  await page.getByRole("button", { name: "Sign in" }).click();
  const consent = page.getByRole("heading", { name: "Allow access?" });
  await Promise.race([consent.waitFor(), page.waitForURL(`${baseUrl()}/**`)]);
  if (await consent.isVisible()) await page.getByRole("button", { name: "Allow" }).click();
}

async function expectSignedInAs(page: Page, email: string): Promise<void> {
  await page.waitForURL(`${baseUrl()}${RETURN_TO}`, { timeout: 15_000 }).catch(async (error) => {
    throw new Error(`${page.url()}: ${await page.locator("body").innerText()}`, { cause: error });
  });
  await expect.poll(() => page.locator("main").innerText()).toContain(`Signed in as ${email}`);
}

describe("Continue with a social provider", () => {
  it("shows the provider on the sign-in page and signs a new user in through its pages", async () => {
    const { page } = session;
    await page.goto(`/auth/sign-in?return_to=${encodeURIComponent(RETURN_TO)}`);
    const link = page.getByRole("link", { name: `Continue with ${provider().displayName}` });
    expect(await link.getAttribute("href")).toBe(
      `/auth/oauth/${provider().id}/start?return_to=${encodeURIComponent(RETURN_TO)}`,
    );
    await expectNoCspViolations(page);
    await expectNoSeriousAxeViolations(page);
    await saveScreenshot(page, "sign-in-providers");

    const email = uniqueEmail("social");
    await continueWithProvider(page, email);
    await expectSignedInAs(page, email);
    await expectNoCspViolations(page);
  });

  it("asks an account with an authenticator app for its code after the provider", async () => {
    const { page, browser } = session;
    const email = uniqueEmail("social-totp");
    await continueWithProvider(page, email);
    await expectSignedInAs(page, email);
    const { secret } = await enrollAuthenticatorApp(page);

    // Another browser: the provider signs in again, the gateway wants the second factor.
    const other = await newContext(browser);
    try {
      const second = await other.newPage();
      await continueWithProvider(second, email);
      await second.waitForURL(`${baseUrl()}/auth/two-factor?return_to=${encodeURIComponent(RETURN_TO)}`);
      expect(await second.context().cookies()).not.toContainEqual(
        expect.objectContaining({ name: expect.stringMatching(/portcullis_at$/) }),
      );
      await expectNoCspViolations(second);
      // The enrollment used this step's code; the gateway refuses it again, so wait for the next step.
      await second.waitForTimeout(msUntilNextStep() + 100);
      await second.getByLabel("Code from your authenticator app").fill(totpCode(secret));
      await second.getByRole("button", { name: "Continue" }).click();
      await expectSignedInAs(second, email);
    } finally {
      await other.close();
    }
  }, 120_000);
});
