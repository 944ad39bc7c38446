// The browser helpers catch what they exist to catch: CSP violations, axe failures, answers that break the
// OpenAPI document, wrong TOTP codes, passkeys in the virtual authenticator, pages without JavaScript.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addVirtualAuthenticator } from "./helpers/authenticator.ts";
import { findAxeViolations } from "./helpers/axe.ts";
import { launchBrowser, newContext } from "./helpers/browser.ts";
import { expectNoContractViolations } from "./helpers/contract.ts";
import { expectNoCspViolations, readCspIssues, readCspViolations } from "./helpers/csp.ts";
import { framedFromAnotherOrigin } from "./helpers/framing.ts";
import { totpCode, totpCodeFromUri } from "./helpers/totp.ts";

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

/** Creates a discoverable passkey for localhost in the page (run with page.evaluate); its type. */
async function createPasskey(): Promise<string | undefined> {
  const credential = await navigator.credentials.create({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      rp: { id: "localhost", name: "Portcullis" },
      user: { id: crypto.getRandomValues(new Uint8Array(16)), name: "ada@example.com", displayName: "Ada" },
      pubKeyCredParams: [{ type: "public-key", alg: -7 }],
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
    },
  });
  return credential?.type;
}

describe("browser test helpers", () => {
  it("collect a CSP violation on a page whose policy allows nothing", async () => {
    // A page on the gateway's origin, answered by the browser itself: its image breaks the policy.
    await page.route("**/csp-probe", (route) =>
      route.fulfill({
        status: 200,
        contentType: "text/html",
        headers: { "content-security-policy": "default-src 'none'" },
        body: '<!doctype html><html lang="en"><title>probe</title><img alt="x" src="/blocked.png">',
      }),
    );
    await page.goto("/csp-probe");
    await expect
      .poll(async () => (await readCspViolations(page)).map((v) => v.effectiveDirective))
      .toContain("img-src");
    await expect(expectNoCspViolations(page)).rejects.toThrow(/CSP violations/);
    expect((await readCspIssues(page)).map((issue) => issue.violatedDirective)).toContain("img-src");
  });

  it("hold the answers of documented operations to the OpenAPI document, and fail the context's close", async () => {
    // A real answer passes; /healthz answered 418 by the browser itself is not a documented status.
    expect((await page.goto("/healthz"))?.status()).toBe(200);
    await expectNoContractViolations(context);
    await page.route("**/healthz", (route) =>
      route.fulfill({ status: 418, contentType: "application/json", body: '{"status":"teapot"}' }),
    );
    await page.goto("/healthz");
    await expect(expectNoContractViolations(context)).rejects.toThrow(/getHealth \(GET \/healthz\) answered 418/);
    // Reported once: the close after this test does not fail it again.
    await expectNoContractViolations(context);
    // A body that breaks the 200's schema is caught, and closing the context reports it.
    await page.route("**/healthz", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: '{"unexpected":true}' }),
    );
    await page.goto("/healthz");
    await expect(context.close()).rejects.toThrow(/OpenAPI contract, in the browser/);
  });

  it("report serious axe violations in light and dark mode", async () => {
    await page.route("**/axe-probe", (route) =>
      route.fulfill({
        status: 200,
        contentType: "text/html",
        body: '<!doctype html><html><title>probe</title><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
      }),
    );
    await page.goto("/axe-probe");
    for (const colorScheme of ["light", "dark"] as const) {
      const ids = (await findAxeViolations(page, colorScheme)).map((violation) => violation.id);
      expect(ids).toEqual(expect.arrayContaining(["image-alt", "html-has-lang"]));
    }
  });

  it("tell a page that refuses to be framed from one that does not", async () => {
    for (const [path, headers] of [
      ["/frame-refused", { "content-security-policy": "frame-ancestors 'none'" }],
      ["/frame-allowed", {}],
    ] as const) {
      await page.route(`**${path}`, (route) =>
        route.fulfill({ status: 200, contentType: "text/html", headers, body: "<!doctype html><title>framed</title>" }),
      );
    }
    expect(await framedFromAnotherOrigin(page, "/frame-refused")).toEqual({ loaded: false });
    expect(await framedFromAnotherOrigin(page, "/frame-allowed")).toEqual({ loaded: true });
  });

  it("compute RFC 6238 TOTP codes", () => {
    // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); the 6-digit code is its last six.
    const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    expect(totpCode(rfcSecret, 59_000)).toBe("287082");
    expect(
      totpCodeFromUri(`otpauth://totp/Portcullis:a%40example.com?secret=${rfcSecret}&issuer=Portcullis`, 59_000),
    ).toBe("287082");
  });

  it("create a passkey for localhost in the virtual authenticator", async () => {
    await page.goto("/healthz");
    const authenticator = await addVirtualAuthenticator(context, page);
    const created = await page.evaluate(createPasskey);
    expect(created).toBe("public-key");
    expect(await authenticator.credentials()).toMatchObject([{ isResidentCredential: true, rpId: "localhost" }]);
    await authenticator.remove();
  });

  it("keep the virtual authenticator and its passkeys through CSP checks of the page", async () => {
    await page.goto("/healthz");
    const authenticator = await addVirtualAuthenticator(context, page);
    expect(await page.evaluate(createPasskey)).toBe("public-key");
    await expectNoCspViolations(page);
    await readCspIssues(page);
    expect(await authenticator.credentials()).toHaveLength(1);
    expect(await page.evaluate(createPasskey)).toBe("public-key");
    await authenticator.remove();
  });

  it("open pages with JavaScript disabled, and still see their CSP violations", async () => {
    const noScript = await newContext(browser, { javaScriptEnabled: false });
    try {
      const noScriptPage = await noScript.newPage();
      await noScriptPage.route("**/js-probe", (route) =>
        route.fulfill({
          status: 200,
          contentType: "text/html",
          headers: { "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'" },
          body: '<!doctype html><html lang="en"><title>probe</title><p id="out">static</p><script>document.getElementById("out").textContent = "ran"</script>',
        }),
      );
      await noScriptPage.goto("/js-probe");
      expect(await noScriptPage.locator("#out").textContent()).toBe("static");
      await expectNoCspViolations(noScriptPage);

      await noScriptPage.route("**/js-probe-styled", (route) =>
        route.fulfill({
          status: 200,
          contentType: "text/html",
          headers: { "content-security-policy": "default-src 'none'" },
          body: '<!doctype html><html lang="en"><title>probe</title><p style="color: red">inline style</p>',
        }),
      );
      await noScriptPage.goto("/js-probe-styled");
      await expect(expectNoCspViolations(noScriptPage)).rejects.toThrow(/style-src-attr/);
    } finally {
      await noScript.close();
    }
  });
});
