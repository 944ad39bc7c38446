// Collects `securitypolicyviolation` events in every page of a context, to assert a page broke no CSP rule.
import type { BrowserContext, Page } from "playwright-core";

export type CspViolation = {
  documentURI: string;
  violatedDirective: string;
  effectiveDirective: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
  sample: string;
};

declare global {
  interface Window {
    __cspViolations?: CspViolation[];
  }
}

/** Registers a listener in every document the context opens, before the page's own scripts run. */
export async function collectCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations?.push({
        documentURI: event.documentURI,
        violatedDirective: event.violatedDirective,
        effectiveDirective: event.effectiveDirective,
        blockedURI: event.blockedURI,
        sourceFile: event.sourceFile,
        lineNumber: event.lineNumber,
        sample: event.sample,
      });
    });
  });
}

/** The violations the current document reported so far (events are dispatched asynchronously). */
export async function readCspViolations(page: Page): Promise<CspViolation[]> {
  // Let queued violation events fire before reading them.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
  const violations = await page.evaluate(() => window.__cspViolations);
  if (violations === undefined) throw new Error("CSP violations are not collected in this context (newContext)");
  return violations;
}

/** Throws, listing them, when the current document reported any CSP violation. */
export async function expectNoCspViolations(page: Page): Promise<void> {
  const violations = await readCspViolations(page);
  if (violations.length > 0) {
    throw new Error(`CSP violations on ${page.url()}:\n${JSON.stringify(violations, null, 2)}`);
  }
}
