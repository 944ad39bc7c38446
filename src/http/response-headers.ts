// Headers every response carries, whichever way it is built: the request id, and the Set-Cookies of a
// refresh done at the edge (issue 10, M2: a rotated refresh token that never reaches the browser
// makes its next request look like reuse, and the session is revoked).
import type { Context } from "hono";
import type { AppEnv } from "./app-env.ts";
import { REQUEST_ID_HEADER } from "./request-id.ts";

/** Queues Set-Cookie values for whatever response this request ends with, errors included. */
export function queueSetCookies(c: Context<AppEnv>, cookies: readonly string[]): void {
  if (cookies.length > 0) c.set("pendingSetCookies", [...(c.get("pendingSetCookies") ?? []), ...cookies]);
}

/** The queued Set-Cookie values (for the error handler, which renders through Hono's context). */
export function pendingSetCookies(c: Context<AppEnv>): readonly string[] {
  return c.get("pendingSetCookies") ?? [];
}

/**
 * `response` with the request id (replacing any the origin sent) and the queued Set-Cookies. A
 * response's headers may be immutable (a fetch() answer, a 101 upgrade), so it is rebuilt; a 101
 * keeps its WebSocket.
 */
export function finishResponse(c: Context<AppEnv>, response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set(REQUEST_ID_HEADER, c.var.requestId);
  for (const cookie of pendingSetCookies(c)) headers.append("Set-Cookie", cookie);
  if (response.webSocket) {
    return new Response(null, { status: 101, statusText: response.statusText, webSocket: response.webSocket, headers });
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
