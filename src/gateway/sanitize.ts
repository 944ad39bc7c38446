// Ingress sanitizing: what a client sends that the gateway owns is removed before anything else
// looks at the request, so no identity header, forwarding header or gateway credential can be spoofed
// through to an origin (oauth2-proxy's CVE-2025-64484 was an underscore variant slipping through).
import { gatewayBearerToken } from "../http/bearer.ts";
import { parseCookieHeader } from "../http/cookie-header.ts";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

// Our cookie names, compared case-insensitively when stripping (stripping more is harmless).
const GATEWAY_COOKIE = /^(__host-)?portcullis_(at|rt)$/i;

// Header names compared case-insensitively with "_" treated as "-", as many servers do.
const canonical = (name: string) => name.toLowerCase().replaceAll("_", "-");

/**
 * Request headers the gateway owns or that would let a client override what the origin takes for the
 * URL, method, host or client IP. Listed in the README (*What the origin receives*); keep both in step.
 */
export const STRIPPED_HEADER_PREFIXES = ["x-auth-", "x-forwarded-", "x-original-"] as const;
export const STRIPPED_HEADERS = new Set([
  "forwarded",
  "x-request-id",
  // URL and method overrides (IIS, Symfony, Rails, Express method-override and friends)
  "x-rewrite-url",
  "x-override-url",
  "x-http-method-override",
  "x-http-method",
  "x-method-override",
  "x-host",
  // client-IP headers: only Cloudflare's CF-Connecting-IP names the client, and the gateway sets it
  "x-real-ip",
  "x-client-ip",
  "x-cluster-client-ip",
  "true-client-ip",
  "fastly-client-ip",
  "cf-connecting-ip",
  "cf-connecting-ipv6",
]);

function isGatewayOwned(name: string): boolean {
  const header = canonical(name);
  return STRIPPED_HEADERS.has(header) || STRIPPED_HEADER_PREFIXES.some((prefix) => header.startsWith(prefix));
}

/**
 * The Cookie header without the gateway's own cookies, read with the same parser that honours them
 * (a name with whitespace around it is stripped too); undefined when nothing is left.
 */
export function withoutGatewayCookies(cookieHeader: string | null): string | undefined {
  const kept = parseCookieHeader(cookieHeader)
    .filter((pair) => !GATEWAY_COOKIE.test(pair.name))
    .map((pair) => pair.text.trim());
  return kept.length > 0 ? kept.join("; ") : undefined;
}

/**
 * The headers to send upstream: every client header except hop-by-hop ones, the stripped names
 * above, the gateway's cookies and an Authorization header carrying our access token (any other
 * Authorization value is the app's and passes). Upgrade survives for WebSockets.
 */
export function sanitizeRequestHeaders(incoming: Headers, options: { keepUpgrade: boolean }): Headers {
  const headers = new Headers();
  for (const [name, value] of incoming) {
    const header = canonical(name);
    if (isGatewayOwned(name)) continue;
    if (HOP_BY_HOP.has(header) && !(options.keepUpgrade && (header === "upgrade" || header === "connection"))) continue;
    if (header === "host" || header === "cookie") continue;
    if (header === "authorization" && gatewayBearerToken(value) !== undefined) continue;
    headers.append(name, value);
  }
  const cookies = withoutGatewayCookies(incoming.get("cookie"));
  if (cookies) headers.set("cookie", cookies);
  return headers;
}

/** The origin's response headers minus hop-by-hop ones (Set-Cookie and the rest pass through). */
export function sanitizeResponseHeaders(upstream: Headers): Headers {
  const headers = new Headers();
  for (const [name, value] of upstream) {
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    headers.append(name, value);
  }
  return headers;
}
