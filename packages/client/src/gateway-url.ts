// Which requests belong to the gateway: credentials are attached to those only, never to another origin.

/** The gateway's base URL, parsed; `baseUrl` may be empty in a browser (the page's own origin). */
export function parseBaseUrl(baseUrl: string): URL {
  // The origin, not the page's URL: on /auth/account/security the API is still at /auth/…, not below it.
  const location = (globalThis as { location?: { origin: string } }).location;
  const base = new URL(baseUrl || location?.origin || "invalid:");
  if (base.protocol !== "https:" && base.protocol !== "http:") {
    throw new TypeError("@portcullis/client: baseUrl must be the gateway's http(s) URL");
  }
  return base;
}

/** The base URL without a trailing slash, joined with an API path such as `/auth/refresh`. */
export function apiUrl(base: URL, path: string): string {
  return `${base.origin}${base.pathname.replace(/\/+$/, "")}${path}`;
}

/** The path of `url` below the base (`/auth/…`), or undefined when `url` is not the gateway's. */
export function gatewayPath(base: URL, url: string): string | undefined {
  const target = new URL(url);
  if (target.origin !== base.origin) return undefined;
  const prefix = base.pathname.replace(/\/+$/, "");
  return target.pathname.startsWith(`${prefix}/`) ? target.pathname.slice(prefix.length) : undefined;
}

/** Routes whose 401 is their own answer, not an expired access token to refresh. */
export const NO_REFRESH_PATHS: ReadonlySet<string> = new Set(["/auth/refresh", "/auth/logout"]);
