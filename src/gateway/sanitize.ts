// Ingress sanitizing: what a client sends that the gateway owns is removed before anything else
// looks at the request, so no identity header, forwarding header or gateway credential can be spoofed
// through to an origin (oauth2-proxy's CVE-2025-64484 was an underscore variant slipping through).

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

const GATEWAY_COOKIE = /^(__Host-)?portcullis_(at|rt)$/;

// Header names compared case-insensitively with "_" treated as "-", as many servers do.
const canonical = (name: string) => name.toLowerCase().replaceAll("_", "-");

function isGatewayOwned(name: string): boolean {
  const header = canonical(name);
  return (
    header.startsWith("x-auth-") ||
    header === "forwarded" ||
    header.startsWith("x-forwarded-") ||
    header.startsWith("x-original-") ||
    header === "x-real-ip" ||
    header === "x-client-ip" ||
    header === "true-client-ip" ||
    header === "cf-connecting-ip"
  );
}

/** The cookie header without the gateway's own cookies; undefined when nothing is left. */
export function withoutGatewayCookies(cookieHeader: string | null): string | undefined {
  if (!cookieHeader) return undefined;
  const kept = cookieHeader
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part && !GATEWAY_COOKIE.test(part.slice(0, Math.max(0, part.indexOf("=")))));
  return kept.length > 0 ? kept.join("; ") : undefined;
}

/** A bearer token that looks like one of our access tokens (its JOSE header says `typ: at+jwt`). */
function isGatewayBearer(authorization: string): boolean {
  const match = /^Bearer\s+([A-Za-z0-9_-]+)\./i.exec(authorization);
  if (!match?.[1]) return false;
  try {
    const header = JSON.parse(atob(match[1].replace(/-/g, "+").replace(/_/g, "/"))) as { typ?: unknown };
    return typeof header.typ === "string" && header.typ.toLowerCase() === "at+jwt";
  } catch {
    return false;
  }
}

/**
 * The headers to send upstream: every client header except hop-by-hop ones, gateway-owned names
 * (X-Auth-*, Forwarded, X-Forwarded-*, X-Original-*, client-IP headers), the gateway's cookies and
 * an Authorization header carrying our access token. Upgrade survives for WebSockets.
 */
export function sanitizeRequestHeaders(incoming: Headers, options: { keepUpgrade: boolean }): Headers {
  const headers = new Headers();
  for (const [name, value] of incoming) {
    const header = canonical(name);
    if (isGatewayOwned(name)) continue;
    if (HOP_BY_HOP.has(header) && !(options.keepUpgrade && (header === "upgrade" || header === "connection"))) continue;
    if (header === "host" || header === "cookie") continue;
    if (header === "authorization" && isGatewayBearer(value)) continue;
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
