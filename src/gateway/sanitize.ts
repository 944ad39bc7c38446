// Ingress sanitizing: what a client sends that the gateway owns is removed before anything else
// looks at the request, so no identity header, forwarding header or gateway credential can be spoofed
// through to an origin (oauth2-proxy's CVE-2025-64484 was an underscore variant slipping through).
import { carriesGatewayBearerToken, type OurTokens } from "../http/bearer.ts";
import { namesInCookiePair, parseCookieHeader } from "../http/cookie-header.ts";

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

// Our cookie names, compared case-insensitively and with either prefix when stripping (stripping more
// is harmless).
const GATEWAY_COOKIE = /^(__host-|__secure-)?portcullis_(at|rt)$/i;

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
  "client-ip",
  "x-originating-ip",
  "x-remote-ip",
  "x-remote-addr",
  "x-proxyuser-ip",
  // user-identity headers that proxy-auth setups (Apache, Grafana, Jenkins) trust
  "x-remote-user",
  "remote-user",
]);

function isGatewayOwned(name: string): boolean {
  const header = canonical(name);
  return STRIPPED_HEADERS.has(header) || STRIPPED_HEADER_PREFIXES.some((prefix) => header.startsWith(prefix));
}

/**
 * The Cookie header without the gateway's own cookies, read with the same parser that honours them
 * (a name with whitespace around it is stripped too, and so is a pair naming one after a ",", as two
 * joined Cookie fields do); undefined when nothing is left.
 */
export function withoutGatewayCookies(cookieHeader: string | null): string | undefined {
  const kept = parseCookieHeader(cookieHeader)
    .filter((pair) => !namesInCookiePair(pair).some((name) => GATEWAY_COOKIE.test(name)))
    .map((pair) => pair.text.trim());
  return kept.length > 0 ? kept.join("; ") : undefined;
}

/**
 * The headers to send upstream: every client header except hop-by-hop ones, the stripped names
 * above, the gateway's cookies and an Authorization header any part of which is one of our access
 * tokens (any other Authorization value is the app's and passes). Upgrade survives for WebSockets.
 */
export function sanitizeRequestHeaders(incoming: Headers, options: { keepUpgrade: boolean; ours: OurTokens }): Headers {
  const headers = new Headers();
  for (const [name, value] of incoming) {
    const header = canonical(name);
    if (isGatewayOwned(name)) continue;
    if (HOP_BY_HOP.has(header) && !(options.keepUpgrade && (header === "upgrade" || header === "connection"))) continue;
    if (header === "host" || header === "cookie") continue;
    if (header === "authorization" && carriesGatewayBearerToken(value, options.ours)) continue;
    headers.append(name, value);
  }
  const cookies = withoutGatewayCookies(incoming.get("cookie"));
  if (cookies) headers.set("cookie", cookies);
  return headers;
}

const setCookieName = (setCookie: string) => (setCookie.split(";")[0] ?? "").split("=")[0]?.trim() ?? "";

/**
 * The origin's response headers minus hop-by-hop ones and any Set-Cookie for the gateway's own cookies
 * (in any case or prefix): an origin must not clear or plant a session. Other Set-Cookies pass; the
 * gateway's own rotated cookies are appended after this (finishResponse), so they are kept.
 */
export function sanitizeResponseHeaders(upstream: Headers): Headers {
  const headers = new Headers();
  for (const [name, value] of upstream) {
    const header = name.toLowerCase();
    if (HOP_BY_HOP.has(header) || header === "set-cookie") continue;
    headers.append(name, value);
  }
  // workerd has Headers#getSetCookie (one value per field); the types lag.
  for (const cookie of (upstream as unknown as { getSetCookie(): string[] }).getSetCookie()) {
    if (!GATEWAY_COOKIE.test(setCookieName(cookie))) headers.append("Set-Cookie", cookie);
  }
  return headers;
}
