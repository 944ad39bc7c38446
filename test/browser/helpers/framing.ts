// Frames a gateway page from another origin, to check that the page refuses to be framed (clickjacking).
import type { Page } from "playwright-core";
import { baseUrl } from "./browser.ts";

/**
 * An origin other than the gateway's: the same gateway reached as 127.0.0.1 (another host, so another
 * site). A real page there frames the target: a page the browser served itself (page.route) counts as a
 * public origin, whose frame of localhost Chrome's Local Network Access checks block before the gateway
 * answers, which would hide what the headers do.
 */
export function foreignOrigin(): string {
  const url = new URL(baseUrl());
  url.hostname = "127.0.0.1";
  return url.origin;
}

/**
 * Opens a page on foreignOrigin() that frames `path` of the gateway, and tells whether the framed
 * document loaded (true) or was refused (frame-ancestors / X-Frame-Options: Chrome shows its error page).
 */
export async function framedFromAnotherOrigin(page: Page, path: string): Promise<{ loaded: boolean }> {
  const target = new URL(path, baseUrl()).toString();
  // /healthz sends no CSP, so the frame can be added from here.
  await page.goto(`${foreignOrigin()}/healthz`);
  await page.evaluate((src) => {
    const iframe = document.createElement("iframe");
    iframe.title = "framed";
    iframe.src = src;
    document.body.append(iframe);
  }, target);
  const element = await page.waitForSelector("iframe");
  const frame = await element.contentFrame();
  if (!frame) return { loaded: false };
  await frame.waitForLoadState("load");
  return { loaded: frame.url() === target };
}
