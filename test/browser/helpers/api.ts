// Calls the gateway's JSON API from inside the page, so cookies it sets land in the browser context.
import type { Page } from "playwright-core";
import { uniqueEmail, uniquePassword } from "./identities.ts";
import { codeFrom, waitForMail } from "./mail.ts";

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
 * allow connect-src 'self', e.g. /healthz): sign-up, the code from the dev outbox (development requires
 * a verified address, as production does), then sign-in, so the session cookies land in the page's
 * context. Returns the sign-in's response.
 */
export async function signUpFromPage(page: Page, account: { email: string; password: string }): Promise<PageResponse> {
  const signup = await postJsonFromPage(page, "/auth/signup", { ...account, client: "browser" });
  if (signup.status !== 202) return signup;
  const code = codeFrom(await waitForMail(account.email, { template: "email_verification" }));
  const verify = await postJsonFromPage(page, "/auth/email/verify", { email: account.email, code });
  if (verify.status !== 200) return verify;
  return postJsonFromPage(page, "/auth/login", { ...account, client: "browser" });
}

/** A new verified account (named after `label`) signed in with its password in `page`'s context, from /healthz. */
export async function signedInAccount(page: Page, label: string): Promise<{ email: string; password: string }> {
  const account = { email: uniqueEmail(label), password: uniquePassword() };
  await page.goto("/healthz");
  const signIn = await signUpFromPage(page, account);
  if (signIn.status !== 200) throw new Error(`sign-up and sign-in answered ${signIn.status}`);
  return account;
}
