// Finds CSP violations two ways: `securitypolicyviolation` events collected in every document of a
// context, and the issues Chrome reports over CDP (which also covers pages with JavaScript disabled).
import type { BrowserContext, CDPSession, Page } from "playwright-core";

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

export type CspIssue = { violatedDirective: string; blockedURL?: string; isReportOnly: boolean; url?: string };

type AuditIssue = {
  code: string;
  details: {
    contentSecurityPolicyIssueDetails?: {
      violatedDirective: string;
      blockedURL?: string;
      isReportOnly: boolean;
      sourceCodeLocation?: { url: string };
    };
  };
};

// One CDP session per page, never detached: detaching any CDP session of a page turns Chrome's virtual
// WebAuthn environment off for that page, and its authenticators and passkeys go with it.
const auditSessions = new WeakMap<Page, Promise<CDPSession>>();

function auditSessionOf(page: Page): Promise<CDPSession> {
  let session = auditSessions.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    auditSessions.set(page, session);
  }
  return session;
}

/** The CSP issues Chrome raised in this page so far (Audits replays them when enabled), JavaScript or not. */
export async function readCspIssues(page: Page): Promise<CspIssue[]> {
  const session = await auditSessionOf(page);
  const issues: CspIssue[] = [];
  const collect = ({ issue }: { issue: AuditIssue }) => {
    const details = issue.details.contentSecurityPolicyIssueDetails;
    if (issue.code !== "ContentSecurityPolicyIssue" || !details) return;
    issues.push({
      violatedDirective: details.violatedDirective,
      blockedURL: details.blockedURL,
      isReportOnly: details.isReportOnly,
      url: details.sourceCodeLocation?.url,
    });
  };
  session.on("Audits.issueAdded", collect);
  try {
    await session.send("Audits.enable");
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    session.off("Audits.issueAdded", collect);
    // Disabled again, so that the next read is replayed the issues of the page as it is then.
    await session.send("Audits.disable");
  }
  return issues;
}

/**
 * Throws, listing them, when the page reported any CSP violation: the document's events when
 * JavaScript runs, and Chrome's own CSP issues in every case.
 */
export async function expectNoCspViolations(page: Page): Promise<void> {
  const javaScriptRuns = await page.evaluate(() => true).catch(() => false);
  const violations =
    javaScriptRuns && (await page.evaluate(() => "__cspViolations" in window)) ? await readCspViolations(page) : [];
  const issues = await readCspIssues(page);
  if (violations.length > 0 || issues.length > 0) {
    throw new Error(`CSP violations on ${page.url()}:\n${JSON.stringify({ violations, issues }, null, 2)}`);
  }
}
