// Calls the gateway's JSON API from inside the page, so cookies it sets land in the browser context.
import type { Page } from "playwright-core";

export type PageResponse = { status: number; body: unknown };

/** POSTs `body` as JSON to `path` on the page's origin with fetch (credentials included). */
export function postJsonFromPage(page: Page, path: string, body: unknown): Promise<PageResponse> {
  return page.evaluate(
    async ({ path, body }) => {
      const response = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
        credentials: "same-origin",
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    { path, body },
  );
}
