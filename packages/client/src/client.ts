// The typed client: openapi-fetch over the document's `paths`, sending through the cookie or bearer mode.
import createClient, { type Client, defaultPathSerializer, type PathSerializer } from "openapi-fetch";
import { createBearerSession } from "./bearer.ts";
import { createCookieSend } from "./cookie.ts";
import type { SessionEndedError } from "./errors.ts";
import { parseBaseUrl } from "./gateway-url.ts";
import type { FetchLike } from "./refresh.ts";
import type { paths } from "./schema.ts";
import type { DeliveredTokens, HeldTokens } from "./tokens.ts";

/** Options both modes take. */
export type CommonClientOptions = {
  /** The gateway's URL, e.g. `https://auth.example.com`. In a browser it defaults to the page's origin. */
  baseUrl?: string;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** Called once when a refresh is refused (`refresh_token_reused`, or `invalid_refresh_token` in bearer mode). */
  onSessionEnded?: (error: SessionEndedError) => void;
};

export type BearerClientOptions = CommonClientOptions & {
  baseUrl: string;
  /** Tokens to start with, e.g. the `session` of a sign-in answer. Sign-in answers seen by the client are held too. */
  tokens?: DeliveredTokens;
  /** Refresh this long before the access token expires. @default 30 */
  refreshLeewaySeconds?: number;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  now?: () => number;
};

/** Sends any request (a route of the app behind the gateway, or one the document does not list yet). */
export type AuthenticatedFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export type PortcullisClient = Client<paths> & { fetch: AuthenticatedFetch };

export type PortcullisBearerClient = PortcullisClient & {
  /** Holds `tokens` (null drops them, e.g. after signing out elsewhere). */
  setTokens: (tokens: DeliveredTokens | null) => void;
  /** The tokens held, or null. */
  tokens: () => Readonly<HeldTokens> | null;
};

export const DEFAULT_CLIENT_OPTIONS = { refreshLeewaySeconds: 30, now: () => Date.now() } as const;

const platformFetch: FetchLike = (request) => globalThis.fetch(request);

// A path parameter of "." or ".." is a dot segment once the URL is parsed: an id taken
// from untrusted input would send the call, with the caller's credentials, to another route
// (`DELETE /admin/users/{id}/platform-roles/{role}` with role ".." is `DELETE /admin/users/{id}`).
// (Encoded dots are sent as %252e: not a dot segment.)
const DOT_SEGMENT = /^\.{1,2}$/;

/** openapi-fetch's path serializer, refusing a parameter that would be a dot segment. */
const pathSerializer: PathSerializer = (pathname, pathParams) => {
  for (const [name, value] of Object.entries(pathParams)) {
    if (DOT_SEGMENT.test(String(value))) {
      throw new TypeError(`@portcullis/client: path parameter "${name}" must not be "." or ".."`);
    }
  }
  return defaultPathSerializer(pathname, pathParams);
};

function typedClient(baseUrl: URL, send: FetchLike): PortcullisClient {
  const client = createClient<paths>({ baseUrl: baseUrl.href.replace(/\/+$/, ""), fetch: send, pathSerializer });
  return Object.assign(client, {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => send(new Request(input, init)),
  });
}

/** A client for browser code on the gateway's origin: the session is in its HttpOnly cookies. */
export function createCookieClient(options: CommonClientOptions = {}): PortcullisClient {
  const base = parseBaseUrl(options.baseUrl ?? "");
  const send = createCookieSend({
    base,
    fetch: options.fetch ?? platformFetch,
    onSessionEnded: options.onSessionEnded,
  });
  return typedClient(base, send);
}

/** A client for API clients (servers, CLIs, mobile apps): it holds the tokens and refreshes them itself. */
export function createBearerClient(options: BearerClientOptions): PortcullisBearerClient {
  const leewaySeconds = options.refreshLeewaySeconds ?? DEFAULT_CLIENT_OPTIONS.refreshLeewaySeconds;
  if (!Number.isFinite(leewaySeconds) || leewaySeconds < 0) {
    throw new TypeError("@portcullis/client: refreshLeewaySeconds must be a number ≥ 0");
  }
  const base = parseBaseUrl(options.baseUrl);
  const session = createBearerSession({
    base,
    fetch: options.fetch ?? platformFetch,
    now: options.now ?? DEFAULT_CLIENT_OPTIONS.now,
    refreshLeewayMs: leewaySeconds * 1000,
    tokens: options.tokens,
    onSessionEnded: options.onSessionEnded,
  });
  return Object.assign(typedClient(base, session.send), { setTokens: session.setTokens, tokens: session.tokens });
}
