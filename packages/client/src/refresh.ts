// One refresh round as the server expects it (src/features/session/service.ts refreshSession): the
// refresh token is rotated on every use, and the same token presented again within the short overlap
// window is answered with the very same successor. So an attempt whose answer was lost (network error,
// 5xx) is sent once more with the same token; any refusal ends the round: a refused token is never
// presented again, so reuse detection can never be triggered in a loop.
import { isSessionEndedCode, PortcullisError, readError, SessionEndedError } from "./errors.ts";

/** The fetch the client sends through: the platform's, a test's, or one that adds what an app needs. */
export type FetchLike = (request: Request) => Promise<Response>;

/** The answer of the round: the refresh response (2xx), after at most one retry. */
export async function sendRefresh(fetch: FetchLike, makeRequest: () => Request): Promise<Response> {
  const first = await fetch(makeRequest()).catch(() => undefined);
  // The single-successor retry: once, with the same token; a second network error propagates.
  const response = first && first.status < 500 ? first : await fetch(makeRequest());
  if (response.ok) return response;
  const error = await readError(response);
  if (isSessionEndedCode(error.code)) {
    throw new SessionEndedError(response.status, { code: error.code, message: error.message });
  }
  throw error;
}

/** True for a 401 `unauthenticated`: the access token was missing, expired, revoked or not ours. */
export async function isUnauthenticated(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  return (await readError(response)).code === "unauthenticated";
}

/** Runs `task` unless one is in flight, in which case every caller shares that one. */
export function singleFlight<T>(task: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= task().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

export { PortcullisError };
