// TOTP in a real browser: enroll from the key shown in text, save a recovery code, then sign in with
// the password and a code from the app, and again with the recovery code instead.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signUpFromPage } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { baseUrl, launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";
import { saveScreenshot } from "./helpers/screenshots.ts";
import { msUntilNextStep, totpCode } from "./helpers/totp.ts";

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

let lastStep = -1;

/**
 * A code that stays valid for the next few seconds, from a step not used before: the gateway refuses
 * a replayed code, so a second code within the same 30 s waits for the next step (as a user would).
 */
async function freshCode(secret: string): Promise<string> {
  const step = () => Math.floor(Date.now() / 30_000);
  if (msUntilNextStep() < 3_000 || step() <= lastStep) await page.waitForTimeout(msUntilNextStep() + 100);
  lastStep = step();
  return totpCode(secret);
}

async function checkPage(name: string): Promise<void> {
  await expectNoCspViolations(page);
  await expectNoSeriousAxeViolations(page);
  await saveScreenshot(page, name);
}

async function signOut(): Promise<void> {
  await page.goto("/auth/sign-out");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/auth/signed-out**");
}

async function signInWithPassword(email: string, password: string, returnTo: string): Promise<void> {
  await page.goto(`/auth/sign-in?return_to=${encodeURIComponent(returnTo)}`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL("**/auth/two-factor**");
}

describe("two-factor sign-in with an authenticator app", () => {
  it("enrolls from the key in text, then signs in with a TOTP code and with a recovery code", async () => {
    const email = uniqueEmail("totp");
    const password = uniquePassword();
    await page.goto("/healthz");
    expect((await signUpFromPage(page, { email, password })).status).toBe(200);

    await page.goto("/auth/account/security");
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await page.locator("#totp-key").waitFor();
    // Polled for up to 10 s: on a loaded 2-core machine the image can take longer than the default second.
    await expect
      .poll(() => page.locator("#totp-qr").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), {
        timeout: 10_000,
      })
      .toBe(true);
    await checkPage("account-security-totp-qr");
    // The key as a user reads it under the QR code: groups of four, spaces ignored by the app.
    const secret = (await page.locator("#totp-key").textContent())?.replace(/\s+/g, "") ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    await page.getByLabel("6-digit code from your app").fill(await freshCode(secret));
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByRole("heading", { name: "Save your recovery codes" }).waitFor();
    const codes = ((await page.locator("#codes").textContent()) ?? "").split("\n").filter(Boolean);
    expect(codes.length).toBeGreaterThanOrEqual(8);
    await checkPage("account-security-recovery-codes");
    const recoveryCode = codes[0] as string;

    await signOut();
    await checkPage("signed-out");
    await signInWithPassword(email, password, "/auth/account");
    await checkPage("two-factor");
    await page.getByLabel("Code from your authenticator app").fill(await freshCode(secret));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${baseUrl()}/auth/account`, { timeout: 10_000 }).catch(async (error) => {
      throw new Error(`${page.url()}: ${await page.locator("main").innerText()}`, { cause: error });
    });
    await checkPage("account-after-two-factor");

    await signOut();
    await signInWithPassword(email, password, "/auth/account");
    await page.getByLabel("Recovery code", { exact: true }).fill(recoveryCode);
    await page.getByRole("button", { name: "Use recovery code" }).click();
    await page.waitForURL(`${baseUrl()}/auth/account`);
    await expectNoCspViolations(page);
  }, 120_000);
});
