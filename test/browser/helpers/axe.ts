// Runs axe-core in the page and returns its serious and critical violations, in light and dark mode.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults, ImpactValue } from "axe-core";
import type { Page } from "playwright-core";

// Evaluated over CDP, which the page's CSP does not govern: no script tag, no violation of our own.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const BLOCKING_IMPACTS: ReadonlySet<ImpactValue> = new Set(["serious", "critical"]);

export type AxeViolation = {
  colorScheme: "light" | "dark";
  id: string;
  impact: ImpactValue | undefined;
  help: string;
  targets: string[];
};

declare global {
  interface Window {
    axe?: { run: (context: Document, options: unknown) => Promise<AxeResults> };
  }
}

/** Serious and critical violations of the current document in one colour scheme. Needs JavaScript. */
export async function findAxeViolations(page: Page, colorScheme: "light" | "dark"): Promise<AxeViolation[]> {
  await page.emulateMedia({ colorScheme });
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    window.axe?.run(document, {
      resultTypes: ["violations"],
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    }),
  );
  if (!results) throw new Error("axe-core did not load");
  return results.violations
    .filter((violation) => violation.impact && BLOCKING_IMPACTS.has(violation.impact))
    .map((violation) => ({
      colorScheme,
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")),
    }));
}

/** Throws, listing them, when the page has serious or critical violations in light or dark mode. */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const violations = [...(await findAxeViolations(page, "light")), ...(await findAxeViolations(page, "dark"))];
  await page.emulateMedia({ colorScheme: null });
  if (violations.length > 0) {
    throw new Error(`axe-core violations on ${page.url()}:\n${JSON.stringify(violations, null, 2)}`);
  }
}
