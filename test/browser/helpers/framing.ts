// Frames a gateway page from another origin, to check that the page refuses to be framed (clickjacking).
import type { Page } from "playwright-core";
import { baseUrl } from "./browser.ts";

/** An origin other than the gateway's; the browser serves its one page itself (page.route). */
export const FOREIGN_ORIGIN = "http://foreign.example";

/**
 * Opens a page on FOREIGN_ORIGIN that frames `path` of the gateway, and tells whether the framed
 * document loaded (true) or was refused (frame-ancestors / X-Frame-Options: Chrome shows its error page).
 */
export async function framedFromAnotherOrigin(page: Page, path: string): Promise<{ loaded: boolean }> {
  const target = new URL(path, baseUrl()).toString();
  await page.route(`${FOREIGN_ORIGIN}/framing`, (route) =>
    route.fulfill({
      status: 200,
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><title>framing</title><iframe title="framed" src="${target}"></iframe>`,
    }),
  );
  await page.goto(`${FOREIGN_ORIGIN}/framing`);
  const element = await page.waitForSelector("iframe");
  const frame = await element.contentFrame();
  if (!frame) return { loaded: false };
  await frame.waitForLoadState("load");
  return { loaded: frame.url() === target };
}
