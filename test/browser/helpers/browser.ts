// One headless Chromium per test file (from @sparticuz/chromium), a fresh context per test.
import chromium from "@sparticuz/chromium";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
  chromium as playwright,
} from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";
import { expectNoContractViolations, watchContract } from "./contract.ts";
import { collectCspViolations } from "./csp.ts";

// @sparticuz/chromium's flags are tuned for AWS Lambda; these would weaken what the tests check
// (same-origin policy, mixed content, site isolation) or fight Playwright's own headless flag.
const DROPPED_FLAGS = [
  "--disable-web-security",
  "--allow-running-insecure-content",
  "--disable-site-isolation-trials",
  "--single-process",
  "--no-zygote",
  "--headless",
  "--disable-features",
];

/** Flags for Chromium on this machine: as root it needs --no-sandbox; the network is closed. */
export function chromiumArgs(): string[] {
  const kept = chromium.args.filter((flag) => !DROPPED_FLAGS.some((dropped) => flag.split("=")[0] === dropped));
  return [
    ...kept,
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ];
}

/** Launches headless Chromium; close it in afterAll. */
export function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: inject("chromiumPath"),
    args: chromiumArgs(),
    headless: true,
    timeout: 30_000,
  });
}

/** The gateway under test, `http://localhost:<port>`. */
export function baseUrl(): string {
  return inject("baseUrl");
}

/**
 * A visitor address of its own for each context, as Cloudflare would set CF-Connecting-IP (wrangler dev
 * passes the header through): every context shares 127.0.0.1, whose per-client signup and sign-in limits
 * the whole browser suite would otherwise exhaust. 198.18.0.0/15 is reserved for benchmarking.
 */
function visitorAddress(): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint8Array(2));
  return `198.${18 + (a & 1)}.${b}.${1 + (a >> 1)}`;
}

export type ContextOptions = Omit<BrowserContextOptions, "baseURL"> & {
  /** @default true */
  javaScriptEnabled?: boolean;
};

/**
 * A new context (its own cookies and client address) on the gateway, collecting CSP violations and
 * checking the answers of documented operations against docs/openapi.json (helpers/contract.ts) from the start.
 * With JavaScript disabled no listener can run in the page, so violations cannot be collected there.
 */
export async function newContext(browser: Browser, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    ...options,
    extraHTTPHeaders: { "cf-connecting-ip": visitorAddress(), ...options.extraHTTPHeaders },
    baseURL: baseUrl(),
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  if (options.javaScriptEnabled !== false) await collectCspViolations(context);
  watchContract(context, new URL(baseUrl()).origin);
  // Every test closes its contexts: closing is where answers that broke the document fail the test.
  const close = context.close.bind(context);
  context.close = async (closeOptions) => {
    const checked = expectNoContractViolations(context);
    await checked.catch(() => undefined);
    await close(closeOptions);
    await checked;
  };
  return context;
}

export type TestPage = { readonly browser: Browser; readonly context: BrowserContext; readonly page: Page };

/**
 * Registers the file's hooks: one Chromium for the file, and for each test a new context (newContext)
 * with one page, closed after it. Read the members inside a test.
 */
export function useNewPagePerTest(): TestPage {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    if (!browser) throw new Error("no browser");
    context = await newContext(browser);
    page = await context.newPage();
  });
  afterEach(() => context?.close());
  const present = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`no ${name} outside a test`);
    return value;
  };
  return {
    get browser() {
      return present(browser, "browser");
    },
    get context() {
      return present(context, "context");
    },
    get page() {
      return present(page, "page");
    },
  };
}
