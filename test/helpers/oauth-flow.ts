// Social sign-in through the Worker's own routes: start (the redirect to the provider), the provider's
// pages (test/providers), and the callback, with the TestClient's cookie jar as the browser.
import { expect } from "vitest";
import type { TestClient } from "./client.ts";
import { type ProviderAccount, signInAtProvider } from "./oidc-provider.ts";

/** GET /auth/oauth/:provider/start; returns the provider's authorization URL. */
export async function startSocialSignIn(
  client: TestClient,
  provider = "oidc",
  query: Record<string, string> = { return_to: "/dashboard" },
): Promise<URL> {
  // A navigation from the gateway's own page, as a browser's Fetch Metadata says it.
  const response = await client.request(`/auth/oauth/${provider}/start?${new URLSearchParams(query)}`, {
    headers: { "sec-fetch-site": "same-origin" },
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location") ?? "");
}

/** Delivers a provider's redirect to the Worker's callback, as the browser would (GET). */
export function deliverCallback(client: TestClient, callback: URL, provider?: string): Promise<Response> {
  const path = provider ? `/auth/oauth/${provider}/callback` : callback.pathname;
  return client.request(`${path}${callback.search}`);
}

/** Start → the oidc-provider's login and consent as `account` → the callback. */
export async function socialSignIn(
  client: TestClient,
  account: ProviderAccount,
  options: { provider?: string; query?: Record<string, string>; deny?: boolean } = {},
): Promise<Response> {
  const authorization = await startSocialSignIn(client, options.provider ?? "oidc", options.query);
  const callback = await signInAtProvider(authorization.href, account, { deny: options.deny });
  return deliverCallback(client, callback);
}

/** Where a response redirects to, as a path with its query. */
export function locationOf(response: Response): string {
  const location = response.headers.get("location") ?? "";
  const url = new URL(location, "http://localhost");
  return url.origin === "http://localhost" ? url.pathname + url.search : url.href;
}

/** A fresh provider account with a verified address. */
export function providerAccount(email: string, overrides: Partial<ProviderAccount> = {}): ProviderAccount {
  return { sub: `op-${crypto.randomUUID()}`, email, emailVerified: true, name: "Grace Hopper", ...overrides };
}
