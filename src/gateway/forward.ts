// Forwards a request to its origin: sanitized headers, identity and assertion, the body streamed both
// ways, a time limit on the origin's answer, and WebSocket upgrades passed through.
import type { Context } from "hono";
import { loadSigningKeys } from "../crypto/signing-keys.ts";
import type { GatewayCaller } from "../features/session/caller.ts";
import type { AppEnv } from "../http/app-env.ts";
import { AppError } from "../http/app-error.ts";
import { ourTokens } from "../http/bearer.ts";
import { REQUEST_ID_HEADER } from "../http/request-id.ts";
import { signAssertion } from "./assertion.ts";
import { canonicalHost } from "./canonical.ts";
import { onboardingStatusOf } from "./onboarding.ts";
import { type GatewayRoute, originUrlFor } from "./route-table.ts";
import { sanitizeRequestHeaders, sanitizeResponseHeaders } from "./sanitize.ts";

const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

// RFC 7239: node names that are not plain tokens are quoted.
const quoteForwarded = (value: string) => `"${value.replace(/["\\]/g, "")}"`;

/**
 * The profile claims of a route that asks for them, from the access token (no database on the hot path):
 * the user's own change reissues their token at once, and moves the membership epoch on so the tokens of
 * their other sessions are refused at the edge (profile/service.ts).
 */
function profileClaims(route: GatewayRoute, session: { name: string | null; username: string | null }) {
  if (!route.profile) return {};
  return { name: session.name, username: session.username };
}

/**
 * Header values are bytes, and a name is any Unicode text: X-Auth-Name carries it percent-encoded as
 * UTF-8 (RFC 3986, as `encodeURIComponent` writes it), so no byte outside visible ASCII reaches a header.
 */
export const encodeNameHeader = (name: string) => encodeURIComponent(name);

async function identityHeaders(c: Context<AppEnv>, route: GatewayRoute, caller: GatewayCaller, path: string) {
  const config = c.var.config;
  // The profile claims reach the assertion only through `profile` (routes that ask for them).
  const { name: _name, username: _username, ...identity } = caller.session;
  const onboarding = onboardingStatusOf(config, identity);
  const profile = profileClaims(route, caller.session);
  const assertion = await signAssertion(
    await loadSigningKeys(config.signingKeySet),
    {
      ...identity,
      ...profile,
      route: route.name,
      authSource: caller.source,
      ...(onboarding ? { onboarding } : {}),
    },
    { method: c.req.method, path },
    { issuer: config.issuer, audience: route.originId, nowSeconds: Math.floor(Date.now() / 1000) },
  );
  const headers: Record<string, string> = {
    "X-Auth-User-Id": identity.userId,
    "X-Auth-Email": identity.email,
    "X-Auth-Email-Verified": String(identity.emailVerified),
    "X-Auth-Session-Id": identity.sessionId,
    "X-Auth-Roles": identity.roles.join(","),
    "X-Auth-Amr": identity.amr.join(","),
    "X-Auth-Route": route.name,
    "X-Auth-Source": caller.source,
    "X-Auth-Assertion": assertion,
  };
  if (identity.tenant) headers["X-Auth-Tenant"] = identity.tenant;
  if (identity.tenantSlug) headers["X-Auth-Tenant-Slug"] = identity.tenantSlug;
  // Only when onboarding is configured; a client's own X-Auth-* was stripped with the rest (sanitize.ts).
  if (onboarding) headers["X-Auth-Onboarding"] = onboarding;
  // Client-sent X-Auth-* headers were all stripped (sanitize.ts); these are only ever the gateway's.
  if (profile.name) headers["X-Auth-Name"] = encodeNameHeader(profile.name);
  if (profile.username) headers["X-Auth-Username"] = profile.username;
  return headers;
}

/** The upstream request's headers: the client's, sanitized, plus what the gateway itself vouches for. */
async function upstreamHeaders(
  c: Context<AppEnv>,
  route: GatewayRoute,
  caller: GatewayCaller | undefined,
  target: URL,
) {
  const url = new URL(c.req.url);
  const isWebSocket = c.req.header("upgrade")?.toLowerCase() === "websocket";
  const headers = sanitizeRequestHeaders(c.req.raw.headers, {
    keepUpgrade: isWebSocket,
    ours: ourTokens(c.var.config),
  });
  // Only Cloudflare's own header names the client; anything the client sent was removed above.
  const clientIp = c.req.header("cf-connecting-ip");
  const proto = url.protocol.replace(":", "");
  if (clientIp) headers.set("X-Forwarded-For", clientIp);
  // H2: the host the route was matched on (lower case, no trailing dot, no port), never the client's
  // spelling. The port is the client's choice and matching ignores it; a non-default one (a dev
  // server's :8787) goes separately as X-Forwarded-Port for origins that build absolute URLs.
  const host = canonicalHost(url);
  headers.set("X-Forwarded-Proto", proto);
  headers.set("X-Forwarded-Host", host);
  if (url.port) headers.set("X-Forwarded-Port", url.port);
  headers.set(
    "Forwarded",
    `${clientIp ? `for=${quoteForwarded(clientIp)};` : ""}proto=${proto};host=${quoteForwarded(host)}`,
  );
  // A Host header names the port when it is not the scheme's default (the URL parser drops that one).
  if (route.preserveHost) headers.set("Host", url.port ? `${host}:${url.port}` : host);
  // The gateway's own id, so both sides' logs can be joined (the client's was stripped above).
  headers.set(REQUEST_ID_HEADER, c.var.requestId);
  if (caller) {
    for (const [name, value] of Object.entries(await identityHeaders(c, route, caller, target.pathname)))
      headers.set(name, value);
  }
  return headers;
}

/**
 * Sends the request to `route`'s origin at `target` (the canonical path and the query, H2: exactly
 * what was matched) and returns its response unbuffered. 504 `origin_timeout`
 * when the origin has not answered within the route's limit, 502 `origin_unreachable` when it
 * cannot be reached. The limit covers the wait for the response, not a long streamed body.
 */
export async function forwardToOrigin(
  c: Context<AppEnv>,
  route: GatewayRoute,
  target: { path: string; search: string },
  caller: GatewayCaller | undefined,
): Promise<Response> {
  const url = originUrlFor(route, target);
  const headers = await upstreamHeaders(c, route, caller, url);
  const method = c.req.method;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, route.timeoutMs);
  let upstream: Response;
  try {
    upstream = await fetch(url, {
      method,
      headers,
      body: BODYLESS_METHODS.has(method) ? null : c.req.raw.body,
      redirect: "manual",
      signal: controller.signal,
    });
  } catch (cause) {
    throw new AppError(timedOut ? "origin_timeout" : "origin_unreachable", { cause });
  } finally {
    clearTimeout(timer);
  }
  // A WebSocket upgrade comes back as a 101 carrying the socket; hand it to the client as it is.
  if (upstream.status === 101 || upstream.webSocket) return upstream;
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: sanitizeResponseHeaders(upstream.headers),
  });
}
