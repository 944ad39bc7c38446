// What every account page handler shares: the signed-in session (or where to send the browser instead),
// the success messages a redirect may name, and the dependencies of the contact services.
import type { Context } from "hono";
import { z } from "zod";
import type { ContactDeps } from "../../features/verification/contact.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { authDependencies } from "../../http/auth-context.ts";
import { pageSession, signInLocation } from "../page-session.ts";

export const ACCOUNT_PATH = "/auth/account";

/** The only success messages a redirect can ask for: `?done=` never carries text of its own. */
export const Done = z.enum([
  "name",
  "email",
  "phone",
  "password",
  "session",
  "sessions",
  "profile",
  "preferences",
  "notifications",
]);
export type Done = z.infer<typeof Done>;

/** A 6-digit code (the API's rule); spaces a user pastes with it are not part of it. */
export const CodeField = z
  .string()
  .transform((value) => value.replace(/\s+/g, ""))
  .pipe(z.string().regex(/^\d{6}$/));

export const doneLocation = (done: Done) => `${ACCOUNT_PATH}?done=${done}`;

/**
 * The page's session, or the redirect to sign in: a GET comes back to itself, a POST (whose path has
 * no page to show) to the account overview.
 */
export async function accountSession(
  c: Context<AppEnv>,
): Promise<{ session: AuthenticatedSession } | { redirect: Response }> {
  const session = await pageSession(c);
  if (session) return { session };
  if (c.req.method === "GET") return { redirect: c.redirect(signInLocation(c), 302) };
  return { redirect: c.redirect(`/auth/sign-in?return_to=${encodeURIComponent(ACCOUNT_PATH)}`, 303) };
}

/** Where a page sends a session that must prove itself again before a sensitive change. */
export function reauthenticateLocation(returnTo: string): string {
  return `/auth/reauthenticate?return_to=${encodeURIComponent(returnTo)}`;
}

export async function contactDependencies(c: Context<AppEnv>): Promise<ContactDeps> {
  const config = c.var.config;
  return { ...(await authDependencies(c)), mail: config.mail, sms: config.sms, appUrl: config.appUrl, policy: config };
}
