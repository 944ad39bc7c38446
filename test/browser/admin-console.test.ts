// The admin console in a real browser: an admin signs in with password + TOTP, searches a user, opens
// them, disables them (the page says so), then enables them again.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postJsonFromPage, signedInAccount } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { baseUrl, launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { runSql } from "./helpers/database.ts";
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

async function checkPage(name: string): Promise<void> {
  await expectNoCspViolations(page);
  await expectNoSeriousAxeViolations(page);
  await saveScreenshot(page, name);
}

/** Enrolls TOTP for the signed-in page through the JSON API; returns the base32 secret and the step it used. */
async function enrollTotp(): Promise<{ secret: string; step: number }> {
  const started = await postJsonFromPage(page, "/auth/mfa/totp/enroll", {});
  expect(started.status).toBe(200);
  const secret = (started.body as { secret: string }).secret;
  if (msUntilNextStep() < 3_000) await page.waitForTimeout(msUntilNextStep() + 100);
  const step = Math.floor(Date.now() / 30_000);
  expect((await postJsonFromPage(page, "/auth/mfa/totp/confirm", { code: totpCode(secret) })).status).toBe(200);
  return { secret, step };
}

describe("the admin console", () => {
  it("signs in with password + TOTP, finds a user, disables and enables them", async () => {
    const target = await signedInAccount(page, "console-target");
    await context.clearCookies();
    const admin = await signedInAccount(page, "console-admin");
    const { secret, step } = await enrollTotp();
    await runSql(
      "INSERT INTO platform_role_grants (user_id, role_key) SELECT id, 'PLATFORM_ADMIN' FROM users WHERE email = $1",
      [admin.email],
    );
    await context.clearCookies();

    await page.goto(`/auth/sign-in?return_to=${encodeURIComponent("/auth/admin")}`);
    await page.getByLabel("Email address").fill(admin.email);
    await page.getByLabel("Password", { exact: true }).fill(admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL("**/auth/two-factor**");
    // The enrollment used this step's code: a replay is refused, so wait for the next step as a user would.
    if (Math.floor(Date.now() / 30_000) <= step || msUntilNextStep() < 3_000)
      await page.waitForTimeout(msUntilNextStep() + 100);
    await page.getByLabel("Code from your authenticator app").fill(totpCode(secret));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${baseUrl()}/auth/admin`, { timeout: 10_000 }).catch(async (error) => {
      throw new Error(`${page.url()}: ${await page.locator("main").innerText()}`, { cause: error });
    });
    await page.getByRole("heading", { level: 1, name: "Users" }).waitFor();
    await checkPage("admin-users");

    await page.getByLabel("Email or name").fill(target.email.slice(0, -"@example.com".length));
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: target.email }).click();
    await page.getByRole("heading", { level: 1, name: target.email }).waitFor();
    await checkPage("admin-user");

    await page.getByRole("button", { name: "Disable user" }).click();
    await page.getByText("The user is disabled and every session was signed out.").waitFor();
    expect(await page.locator('[data-field="Status"] dd').textContent()).toBe("Disabled");
    await checkPage("admin-user-disabled");

    await page.getByRole("button", { name: "Enable user" }).click();
    await page.getByText("The user is enabled and can sign in again.").waitFor();
    expect(await page.locator('[data-field="Status"] dd').textContent()).toBe("Active");
    await expectNoCspViolations(page);
  }, 120_000);
});
