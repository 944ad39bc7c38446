// Bearer mode (API clients): holds the access and refresh token, sends `Authorization: Bearer` to the
// gateway only, refreshes shortly before the access token expires or on a 401 `unauthenticated`, and
// shares one in-flight refresh between concurrent calls.
import type { SessionEndedError } from "./errors.ts";
import { apiUrl, gatewayPath, NO_REFRESH_PATHS } from "./gateway-url.ts";
import { type FetchLike, isUnauthenticated, sendRefresh, singleFlight } from "./refresh.ts";
import { type DeliveredTokens, deliveredTokensIn, type HeldTokens, mergeTokens } from "./tokens.ts";

export type BearerFetchOptions = {
  base: URL;
  fetch: FetchLike;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Refresh when the access token expires within this many milliseconds. */
  refreshLeewayMs: number;
  tokens?: DeliveredTokens;
  onSessionEnded?: (error: SessionEndedError) => void;
};

export type BearerSession = {
  /** Sends `request`, authenticated, refreshing as needed; throws SessionEndedError when the session ended. */
  send: (request: Request) => Promise<Response>;
  /** Holds `tokens` (e.g. from a sign-in answer the client did not see); null drops them. */
  setTokens: (tokens: DeliveredTokens | null) => void;
  /** The tokens held, or null. */
  tokens: () => Readonly<HeldTokens> | null;
};

/** The bearer-mode session of one client. */
export function createBearerSession(options: BearerFetchOptions): BearerSession {
  let held: HeldTokens | null = options.tokens ? mergeTokens(null, options.tokens) : null;

  const refresh = singleFlight(async () => {
    const refreshToken = held?.refreshToken;
    if (!refreshToken) return;
    const body = JSON.stringify({ refreshToken });
    const makeRequest = () =>
      new Request(apiUrl(options.base, "/auth/refresh"), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body,
      });
    try {
      const response = await sendRefresh(options.fetch, makeRequest);
      const delivered = deliveredTokensIn(await response.json());
      if (delivered?.refreshToken) held = mergeTokens(held, delivered);
    } catch (error) {
      if ((error as SessionEndedError).name === "SessionEndedError") {
        // The server refused the token (reuse revoked the session): drop it, so it is never sent again.
        if (held?.refreshToken === refreshToken) held = null;
        options.onSessionEnded?.(error as SessionEndedError);
      }
      throw error;
    }
  });

  const expiresSoon = (tokens: HeldTokens) =>
    tokens.refreshToken !== undefined && tokens.accessTokenExpiresAtMs - options.refreshLeewayMs <= options.now();

  const withBearer = (request: Request, accessToken: string | undefined) => {
    if (accessToken === undefined) return request;
    const headers = new Headers(request.headers);
    headers.set("authorization", `Bearer ${accessToken}`);
    return new Request(request, { headers });
  };

  /** Holds the tokens of a successful answer from the gateway's /auth/* routes (sign-in, refresh, re-issue). */
  async function capture(path: string, request: Request, response: Response): Promise<void> {
    if (path === "/auth/logout" && response.ok) {
      held = null;
      return;
    }
    if (request.method === "GET" || !response.ok || !path.startsWith("/auth/")) return;
    if (!response.headers.get("content-type")?.includes("application/json")) return;
    const delivered = deliveredTokensIn(
      await response
        .clone()
        .json()
        .catch(() => undefined),
    );
    if (delivered) held = mergeTokens(held, delivered);
  }

  async function send(request: Request): Promise<Response> {
    const path = gatewayPath(options.base, request.url);
    // Never hand our tokens to another origin.
    if (path === undefined) return options.fetch(request);
    const refreshable = !NO_REFRESH_PATHS.has(path);
    if (refreshable && held && expiresSoon(held)) await refresh();
    const retry = request.clone();
    const sentWith = refreshable ? held?.accessToken : undefined;
    let response = await options.fetch(withBearer(request, sentWith));
    if (sentWith !== undefined && (await isUnauthenticated(response))) {
      // Another call may have refreshed meanwhile: then its token is used, without a second refresh.
      if (held?.accessToken === sentWith) await refresh();
      if (held && held.accessToken !== sentWith) response = await options.fetch(withBearer(retry, held.accessToken));
    }
    await capture(path, request, response);
    return response;
  }

  return {
    send,
    setTokens: (tokens) => {
      held = tokens ? mergeTokens(held, tokens) : null;
    },
    tokens: () => held,
  };
}
