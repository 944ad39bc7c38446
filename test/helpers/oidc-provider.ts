// Signs in at the local oidc-provider (test/providers/oidc-provider.ts) the way a browser would, with
// its own cookie jar, and hands back the redirect to the Worker's callback without following it.
import { setCookieHeaders } from "./client.ts";

export type ProviderAccount = { sub: string; email?: string; emailVerified?: boolean; name?: string };

const MAX_HOPS = 10;

function isWorkerUrl(url: URL): boolean {
  return url.origin === "http://localhost";
}

/**
 * Follows `authorizationUrl` through the provider's login and consent as `account` (its claims are
 * what the provider will assert), or declines with `deny`. Returns the callback URL (code, state, iss
 * or error) the provider redirects the browser to.
 */
export async function signInAtProvider(
  authorizationUrl: string,
  account: ProviderAccount,
  options: { deny?: boolean } = {},
): Promise<URL> {
  const jar = new Map<string, string>();
  const send = async (url: URL, init: RequestInit = {}) => {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...init.headers, cookie } });
    for (const header of setCookieHeaders(response)) {
      const [pair = ""] = header.split(";");
      const separator = pair.indexOf("=");
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  const claims = { sub: account.sub, email: account.email, email_verified: account.emailVerified, name: account.name };
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const response = await send(url);
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(
        `the provider answered ${response.status} at ${url.pathname}: ${(await response.text()).slice(0, 300)}`,
      );
    }
    await response.body?.cancel();
    const next = new URL(location, url);
    if (isWorkerUrl(next)) return next;
    if (next.pathname.startsWith("/interaction/")) {
      const answer = await send(next, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(options.deny ? { deny: true } : { account: claims }),
      });
      if (answer.status !== 200) throw new Error(`the interaction answered ${answer.status}: ${await answer.text()}`);
      url = new URL(((await answer.json()) as { redirectTo: string }).redirectTo, next);
    } else {
      url = next;
    }
  }
  throw new Error("the provider kept redirecting");
}
