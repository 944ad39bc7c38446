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

/**
 * Signs a new user up through the JSON API from `page` (which must be on the gateway's origin and
 * allow connect-src 'self', e.g. /healthz), so the session cookies land in the page's context.
 */
export async function signUpFromPage(page: Page, account: { email: string; password: string }): Promise<PageResponse> {
  return postJsonFromPage(page, "/auth/signup", { ...account, client: "browser" });
}
