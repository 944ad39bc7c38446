// What every page a browser test visits must satisfy: no CSP violation and no serious axe violation.
import type { Page } from "playwright-core";
import { expectNoSeriousAxeViolations } from "./axe.ts";
import { expectNoCspViolations } from "./csp.ts";
import { saveScreenshot } from "./screenshots.ts";

/** Throws on a CSP violation or a serious axe violation (light and dark); saves a screenshot when named. */
export async function expectCleanPage(page: Page, screenshot?: string): Promise<void> {
  await expectNoCspViolations(page);
  await expectNoSeriousAxeViolations(page);
  if (screenshot) await saveScreenshot(page, screenshot);
}
