// Every hosted page once, as a visitor sees it: no CSP violation, no serious axe violation in light or
// dark mode, and a screenshot each. Two-factor and reauthenticate are swept by their own flows.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postJsonFromPage, signUpFromPage } from "./helpers/api.ts";
import { expectNoSeriousAxeViolations } from "./helpers/axe.ts";
import { launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoCspViolations } from "./helpers/csp.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";
import { linksFrom, waitForMail } from "./helpers/mail.ts";
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

/** Signs a new verified user in through the JSON API (setup); returns the address. */
async function signedIn(): Promise<string> {
  const email = uniqueEmail("sweep");
  await page.goto("/healthz");
  expect((await signUpFromPage(page, { email, password: uniquePassword() })).status).toBe(200);
  return email;
}

/** The path (and query) of the first link in the newest `template` mail to `email` that contains `part`. */
async function mailedPath(email: string, template: string, part: string): Promise<string> {
  const link = linksFrom(await waitForMail(email, { template })).find((href) => href.includes(part));
  if (!link) throw new Error(`no ${part} link in the ${template} mail`);
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

type SweptPage = {
  screenshot: string;
  /** Returns the path to open, after any setup in `page`. */
  path: () => Promise<string>;
  status?: number;
  heading: string;
};

const PAGES: SweptPage[] = [
  { screenshot: "sign-in-empty", path: async () => "/auth/sign-in", heading: "Sign in to Portcullis" },
  { screenshot: "sign-up-empty", path: async () => "/auth/sign-up", heading: "Create your Portcullis account" },
  {
    screenshot: "verify-email-code-form",
    path: async () => "/auth/verify-email",
    heading: "Verify your email address",
  },
  {
    screenshot: "verify-email-confirm-link",
    path: async () => {
      const email = uniqueEmail("sweep-link");
      await page.goto("/healthz");
      const signup = await postJsonFromPage(page, "/auth/signup", {
        email,
        password: uniquePassword(),
        client: "browser",
      });
      expect(signup.status).toBe(202);
      return mailedPath(email, "email_verification", "/auth/verify-email?token=");
    },
    heading: "Confirm your email address",
  },
  {
    screenshot: "forgot-password-empty",
    path: async () => "/auth/forgot-password",
    heading: "Reset your password",
  },
  {
    screenshot: "reset-password-empty",
    path: async () => {
      const email = await signedIn();
      await context.clearCookies();
      expect((await postJsonFromPage(page, "/auth/password/forgot", { email })).status).toBe(202);
      return mailedPath(email, "password_reset", "/auth/reset-password?token=");
    },
    heading: "Choose a new password",
  },
  {
    screenshot: "account-overview",
    path: async () => (await signedIn()) && "/auth/account",
    heading: "Your account",
  },
  {
    screenshot: "account-security-overview",
    path: async () => (await signedIn()) && "/auth/account/security",
    heading: "Security",
  },
  { screenshot: "sign-out-confirm", path: async () => (await signedIn()) && "/auth/sign-out", heading: "Sign out" },
  { screenshot: "signed-out-done", path: async () => "/auth/signed-out", heading: "You are signed out" },
  {
    screenshot: "dev-mail-outbox",
    path: async () => {
      await signedIn();
      return "/dev/mail";
    },
    heading: "Development mail",
  },
];

describe("every hosted page", () => {
  for (const swept of PAGES) {
    it(`${swept.screenshot}: no CSP or serious axe violation in light and dark mode`, async () => {
      const path = await swept.path();
      const response = await page.goto(path);
      expect(response?.status()).toBe(swept.status ?? 200);
      expect(response?.headers()["content-type"]).toContain("text/html");
      expect(new URL(page.url()).pathname).toBe(new URL(path, "http://x").pathname);
      const heading = await page.getByRole("heading", { level: 1 }).textContent();
      expect(heading).toBe(swept.heading);
      await expectNoCspViolations(page);
      await expectNoSeriousAxeViolations(page);
      await saveScreenshot(page, swept.screenshot);
    });
  }

  it("error-too-large: the error page, reached by a same-origin form too large to take", async () => {
    await page.goto("/auth/sign-in");
    // The field's maxlength stops a typist, not a crafted form: set the value past it and send.
    await page.getByLabel("Email address").evaluate((input, value) => {
      (input as HTMLInputElement).value = value;
    }, "a".repeat(2_000_000));
    await page.getByLabel("Password", { exact: true }).fill("x");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.getByRole("button", { name: "Sign in", exact: true }).click(),
    ]);
    expect(response.status()).toBe(413);
    expect(response.headers()["content-type"]).toContain("text/html");
    await page.waitForLoadState("load");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Something went wrong");
    expect(await page.locator("[data-error-code]").getAttribute("data-error-code")).toBe("payload_too_large");
    await expectNoCspViolations(page);
    await expectNoSeriousAxeViolations(page);
    await saveScreenshot(page, "error-too-large");
  });
});
