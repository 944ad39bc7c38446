// Invitations in Chromium: an owner invites an address, the invitee opens the mailed link on /dev/mail,
// creates the account (or signs in) and accepts, landing signed in with the tenant active; a decline.
import { decodeJwt } from "jose";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postJsonFromPage, signedInAccount } from "./helpers/api.ts";
import { enrollAuthenticatorApp } from "./helpers/authenticator-app.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { baseUrl, launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";
import { openNewestMailInDevMail } from "./helpers/mail.ts";
import { submitSignIn } from "./helpers/pages.ts";
import { saveScreenshot } from "./helpers/screenshots.ts";
import { tenantOwnedBy } from "./helpers/tenants.ts";

let browser: Browser;
let ownerContext: BrowserContext;
let owner: Page;
let tenantId: string;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  // The owner: a verified account with an authenticator app (OWNER requires a second factor), then its tenant.
  ownerContext = await newContext(browser);
  owner = await ownerContext.newPage();
  const account = await signedInAccount(owner, "owner");
  await enrollAuthenticatorApp(owner);
  tenantId = await tenantOwnedBy(account.email, "Harbour Partners");
  await owner.goto("/healthz");
});
afterAll(async () => {
  await ownerContext?.close();
  await browser?.close();
});
beforeEach(async () => {
  context = await newContext(browser);
  page = await context.newPage();
});
afterEach(() => context?.close());

async function inviteAndOpenLink(email: string): Promise<void> {
  const invited = await postJsonFromPage(owner, `/auth/tenants/${tenantId}/invitations`, { email, roles: ["STAFF"] });
  expect(invited.status).toBe(201);
  const mail = await openNewestMailInDevMail(page, email, { pattern: /invitations\/accept\?token=/ });
  const link = mail.links.find((href) => href.includes("/auth/invitations/accept?token="));
  expect(link).toBeDefined();
  await page.goto(link ?? "");
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Join Harbour Partners");
}

/** The tenant the browser's access cookie names. */
async function activeTenant(target: BrowserContext): Promise<unknown> {
  const cookie = (await target.cookies(baseUrl())).find((c) => c.name.endsWith("portcullis_at"));
  return cookie ? decodeJwt(cookie.value).tenant : undefined;
}

async function expectPageChecks(target: Page, screenshot: string): Promise<void> {
  await expectNoCspViolations(target);
  await expectNoSeriousAxeViolations(target);
  await saveScreenshot(target, screenshot);
}

describe("invitations", () => {
  it("a newcomer creates the account from the mailed link and lands signed in with the tenant active", async () => {
    const email = uniqueEmail("invitee");
    await inviteAndOpenLink(email);
    await expect.poll(() => page.locator("#invitation-roles").textContent()).toBe("STAFF");
    await page.getByLabel("Password", { exact: true }).fill(uniquePassword());
    await expectPageChecks(page, "invitation-signed-out");
    await Promise.all([
      page.waitForURL(/\/auth\/invitations\/joined/),
      page.getByRole("button", { name: "Create account and join" }).click(),
    ]);
    expect(await page.locator("#invitation-joined").textContent()).toContain("member of Harbour Partners");
    await expectPageChecks(page, "invitation-joined");
    expect(await activeTenant(context)).toBe(tenantId);
    const session = await page.evaluate(async () => (await fetch("/auth/session")).status);
    expect(session).toBe(200);
  });

  it("an existing user signs in from the page, comes back and accepts", async () => {
    const accountPage = await context.newPage();
    const account = await signedInAccount(accountPage, "existing");
    await accountPage.close();
    await context.clearCookies();
    await inviteAndOpenLink(account.email);
    await Promise.all([
      page.waitForURL(/\/auth\/sign-in/),
      page.getByRole("link", { name: "Sign in to accept" }).click(),
    ]);
    await submitSignIn(page, account);
    await page.waitForURL(/\/auth\/invitations\/accept\?token=/);
    await expectPageChecks(page, "invitation-addressee");
    await Promise.all([
      page.waitForURL(/\/auth\/invitations\/joined/),
      page.getByRole("button", { name: "Accept and join" }).click(),
    ]);
    expect(await activeTenant(context)).toBe(tenantId);
  });

  it("declines from the page; the link then says it is no longer valid", async () => {
    const email = uniqueEmail("decliner");
    await inviteAndOpenLink(email);
    const link = page.url();
    await Promise.all([
      page.waitForURL(/\/auth\/invitations\/declined/),
      page.getByRole("button", { name: "Decline" }).click(),
    ]);
    expect(await page.locator("#invitation-declined").textContent()).toContain("You declined the invitation.");
    await page.goto(link);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This invitation is no longer valid");
  });
});
