// Cookie mode (browsers): the session lives in the gateway's HttpOnly cookies, which this code never
// sees. Requests go with `credentials: "include"`; unsafe ones are accepted only with the browser's own
// Origin / Sec-Fetch-Site (src/http/csrf.ts), which no script can forge, so the page must be served by
// the gateway's origin or one listed in TRUSTED_ORIGINS. On a 401 `unauthenticated` the refresh cookie is
// exchanged once (shared by concurrent calls) and the call retried once.

import type { SessionEndedError } from "./errors.ts";
import { apiUrl, gatewayPath, NO_REFRESH_PATHS } from "./gateway-url.ts";
import { type FetchLike, isUnauthenticated, sendRefresh, singleFlight } from "./refresh.ts";

export type CookieFetchOptions = {
  base: URL;
  fetch: FetchLike;
  onSessionEnded?: (error: SessionEndedError) => void;
};

// Browsers' RequestInit has `credentials`; the Workers types (which also typecheck this file) do not.
const INCLUDE_CREDENTIALS = { credentials: "include" } as RequestInit;

/** `request` with the browser's cookies for the gateway. */
function withCredentials(request: Request): Request {
  return new Request(request, INCLUDE_CREDENTIALS);
}

/** The cookie-mode `send` of one client. */
export function createCookieSend(options: CookieFetchOptions): (request: Request) => Promise<Response> {
  // Counts successful refreshes: a 401 to a call sent before the latest one is retried without another.
  let generation = 0;
  // True when new cookies were set; false when there was no session to refresh (not signed in).
  const refresh = singleFlight(async (): Promise<boolean> => {
    const makeRequest = () =>
      withCredentials(
        new Request(apiUrl(options.base, "/auth/refresh"), { method: "POST", headers: { accept: "application/json" } }),
      );
    try {
      await sendRefresh(options.fetch, makeRequest);
      generation += 1;
      return true;
    } catch (error) {
      const ended = error as SessionEndedError;
      if (ended.name !== "SessionEndedError") throw error;
      // No usable refresh cookie is what a visitor who is not signed in has: the call's own 401 stands.
      if (ended.code === "invalid_refresh_token") return false;
      options.onSessionEnded?.(ended);
      throw error;
    }
  });

  return async (request) => {
    const path = gatewayPath(options.base, request.url);
    if (path === undefined) return options.fetch(request);
    const retry = request.clone();
    const sentAt = generation;
    const response = await options.fetch(withCredentials(request));
    if (NO_REFRESH_PATHS.has(path) || !(await isUnauthenticated(response))) return response;
    const refreshed = generation !== sentAt || (await refresh());
    return refreshed ? options.fetch(withCredentials(retry)) : response;
  };
}
