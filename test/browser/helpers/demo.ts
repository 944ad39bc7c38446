// Reads the demo origin's page: what the gateway asserted about the caller, as the origin verified it.
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { baseUrl } from "./browser.ts";

export type DemoIdentity = { email: string; amr: string[]; route: string };

/** Checks that `page` shows the demo page at `path` with a verified assertion, and returns the identity. */
export async function expectDemoIdentity(page: Page, path: string): Promise<DemoIdentity> {
  expect(page.url()).toBe(`${baseUrl()}${path}`);
  const status = (await page.locator("#assertion-status").textContent()) ?? "";
  // The whole page when it is not the identity: the origin's reason, or the gateway page it ended on.
  expect(status, await page.locator("body").innerText()).toContain("Assertion verified");
  const value = async (term: string) =>
    (await page.locator(`#identity dt:text-is("${term}") + dd`).textContent()) ?? "";
  return {
    email: await value("Email"),
    amr: (await value("Authentication methods (amr)")).split(", "),
    route: await value("Gateway route"),
  };
}
