// The signed-in user of a page request: the access cookie, refreshed at the edge when it has expired
// (the new cookies reach the browser through pageSecurity), or a redirect to sign-in.
import type { Context } from "hono";
import { resolveGatewayCaller } from "../features/session/caller.ts";
import type { AppEnv, AuthenticatedSession } from "../http/app-env.ts";
import { safeReturnTo } from "../http/return-to.ts";

/** The page's session, or undefined when the browser is not signed in. */
export async function pageSession(c: Context<AppEnv>): Promise<AuthenticatedSession | undefined> {
  return (await resolveGatewayCaller(c))?.session;
}

/** `/auth/sign-in?return_to=<this page>`: where a page sends a browser that has no session. */
export function signInLocation(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return `/auth/sign-in?return_to=${encodeURIComponent(url.pathname + url.search)}`;
}

/** The validated `return_to` of a page request (query or form), "/" when absent or unsafe. */
export function returnToOf(value: string | undefined): string {
  return safeReturnTo(value, "/");
}
