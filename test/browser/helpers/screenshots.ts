// Screenshots of pages under test-results/screenshots/; UPDATE_SCREENSHOTS=1 also copies them to docs/screenshots/.
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { paths } from "../../../scripts/lib/paths.ts";

export const SCREENSHOT_DIR = join(paths.root, "test-results", "screenshots");
export const COMMITTED_SCREENSHOT_DIR = join(paths.root, "docs", "screenshots");

/** Saves a full-page PNG named `name` (lowercase, digits and -) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`screenshot name "${name}" must be lowercase kebab-case`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    await mkdir(COMMITTED_SCREENSHOT_DIR, { recursive: true });
    await copyFile(file, join(COMMITTED_SCREENSHOT_DIR, `${name}.png`));
  }
  return file;
}
