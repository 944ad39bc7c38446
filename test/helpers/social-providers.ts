// Drives the small local providers (test/providers: GitHub, Apple, Entra, Google, rogue) from tests:
// the test picks the account (and what goes wrong), the provider answers as the real one would.
import { encodeBase64urlNoPadding } from "@oslojs/encoding";

/** Claims and switches of the local account; see each server in test/providers for its keys. */
export type LocalAccount = { sub: string } & Record<string, unknown>;

export type GitHubAccount = {
  /** GitHub's numeric user id, as a string. */
  sub: string;
  login: string;
  name?: string;
  /** Absent: /user/emails answers 404 (a token without user:email). */
  emails?: Array<{ email: string; primary: boolean; verified: boolean }>;
};

export type EntraAccount = {
  sub: string;
  tid: string;
  email?: string;
  name?: string;
  /** The optional claim: true when the email's domain owner is verified. */
  xms_edov?: boolean;
  /** Sign the token with an iss naming this tenant instead of `tid`. */
  issTid?: string;
};

export type AppleAccount = {
  sub: string;
  email?: string;
  /** "true" unless given: Apple sends it as a string. */
  email_verified?: string | boolean;
  is_private_email?: string;
  /** Sent as the `user` form field, on this sub's first authorization only. */
  name_object?: { firstName?: string; lastName?: string };
};

function withAccount(authorizationUrl: string, account: LocalAccount, deny: boolean): URL {
  const url = new URL(authorizationUrl);
  url.searchParams.set("test_account", encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify(account))));
  if (deny) url.searchParams.set("test_deny", "1");
  return url;
}

/**
 * Authorizes at a redirecting local provider (GitHub, Entra, Google, rogue) as `account`, or declines
 * with `deny`; returns the redirect to the Worker's callback without following it.
 */
export async function authorizeAtLocalProvider(
  authorizationUrl: string,
  account: LocalAccount | GitHubAccount | EntraAccount,
  options: { deny?: boolean } = {},
): Promise<URL> {
  const response = await fetch(withAccount(authorizationUrl, account as LocalAccount, options.deny ?? false), {
    redirect: "manual",
  });
  const location = response.headers.get("location");
  if (response.status !== 302 || !location) {
    throw new Error(`the provider answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  return new URL(location);
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)));
}

/**
 * Authorizes at the local Apple as `account` (or cancels with `deny`). Apple answers with a form the
 * browser posts cross-site to the callback: returns its action and the fields (code, state, user).
 */
export async function authorizeAtApple(
  authorizationUrl: string,
  account: AppleAccount,
  options: { deny?: boolean } = {},
): Promise<{ action: URL; fields: URLSearchParams }> {
  const response = await fetch(withAccount(authorizationUrl, account, options.deny ?? false), { redirect: "manual" });
  const html = await response.text();
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
  if (response.status !== 200 || !action) throw new Error(`Apple answered ${response.status}: ${html.slice(0, 300)}`);
  const fields = new URLSearchParams();
  for (const [, name = "", value = ""] of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(unescapeHtml(name), unescapeHtml(value));
  }
  return { action: new URL(unescapeHtml(action)), fields };
}
