// What every page a browser test visits must satisfy: no CSP violation, no serious axe violation, and no
// answer that breaks the OpenAPI document (also checked when its context closes).
import type { Page } from "playwright-core";
import { expectNoSeriousAxeViolations } from "./axe.ts";
import { expectNoContractViolations } from "./contract.ts";
import { expectNoCspViolations } from "./csp.ts";
import { saveScreenshot } from "./screenshots.ts";

/** Throws on a CSP, serious axe (light and dark) or contract violation; saves a screenshot when named. */
export async function expectCleanPage(page: Page, screenshot?: string): Promise<void> {
  await expectNoCspViolations(page);
  await expectNoContractViolations(page.context());
  await expectNoSeriousAxeViolations(page);
  if (screenshot) await saveScreenshot(page, screenshot);
}
