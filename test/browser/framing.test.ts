// Clickjacking: the hosted pages refuse to load in a frame on another origin.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signUpFromPage } from "./helpers/api.ts";
import { launchBrowser, newContext } from "./helpers/browser.ts";
import { framedFromAnotherOrigin } from "./helpers/framing.ts";
import { uniqueEmail, uniquePassword } from "./helpers/identities.ts";

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

describe("framing by another origin", () => {
  it("loads a gateway response that does not refuse it (the check can see a frame load)", async () => {
    expect(await framedFromAnotherOrigin(page, "/healthz")).toEqual({ loaded: true });
  });

  it("is refused for the sign-in page", async () => {
    expect(await framedFromAnotherOrigin(page, "/auth/sign-in")).toEqual({ loaded: false });
  });

  it("is refused for the account page of a signed-in user", async () => {
    await page.goto("/healthz");
    expect((await signUpFromPage(page, { email: uniqueEmail("framed"), password: uniquePassword() })).status).toBe(200);
    // Top-level, the page loads for this user and refuses every framer itself.
    const direct = await page.goto("/auth/account");
    expect(new URL(page.url()).pathname).toBe("/auth/account");
    expect(direct?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(direct?.headers()["x-frame-options"]).toBe("DENY");
    // Framed cross-site, the session cookie stays out (SameSite): the frame is sent to sign-in, refused too.
    const framedStatuses: number[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname === "/auth/account") framedStatuses.push(response.status());
    });
    expect(await framedFromAnotherOrigin(page, "/auth/account")).toEqual({ loaded: false });
    // Never served to the frame with the session (a 200); the redirect itself may race the listener.
    expect(framedStatuses).not.toContain(200);
  });
});
