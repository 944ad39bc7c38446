// The signed-in user of a page request: the access cookie, refreshed at the edge when it has expired
// (the new cookies reach the browser through pageSecurity), or a redirect to sign-in; a session that
// must enroll a second factor is sent to do that first.
import type { Context } from "hono";
import { resolveGatewayCaller } from "../features/session/caller.ts";
import { assertUsableDuringEnrollment } from "../features/session/enrollment.ts";
import type { AppEnv, AuthenticatedSession } from "../http/app-env.ts";
import { safeReturnTo } from "../http/return-to.ts";

/**
 * The page's session, or undefined when the browser is not signed in. A session that must first enroll
 * a second factor gets it only on the pages enrollment allows; elsewhere this throws
 * `mfa_enrollment_required`, which the page error renderer answers with a redirect to the TOTP setup.
 */
export async function pageSession(c: Context<AppEnv>): Promise<AuthenticatedSession | undefined> {
  const session = (await resolveGatewayCaller(c))?.session;
  if (session) {
    assertUsableDuringEnrollment(session, { method: c.req.method, path: new URL(c.req.url).pathname });
    c.set("pageUserId", session.userId);
  }
  return session;
}

/** `/auth/sign-in?return_to=<this page>`: where a page sends a browser that has no session. */
export function signInLocation(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return `/auth/sign-in?return_to=${encodeURIComponent(url.pathname + url.search)}`;
}

/** `path?return_to=<returnTo>`, or just `path` when there is nowhere particular to return ("/"). */
export const withReturnTo = (path: string, returnTo: string) =>
  returnTo === "/" ? path : `${path}?return_to=${encodeURIComponent(returnTo)}`;

/** The validated `return_to` of a page request (query or form), "/" when absent or unsafe. */
export function returnToOf(value: string | undefined): string {
  return safeReturnTo(value, "/");
}
