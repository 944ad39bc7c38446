// What the sign-up and verify-email pages hand each other: the address a code was asked for, kept in a
// short-lived flow cookie (never in the URL, where logs and history would keep it).
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { clearFlowCookie, FLOW_COOKIES, readFlowCookie, setFlowCookie } from "../../http/cookies.ts";

const ADDRESS_COOKIE = FLOW_COOKIES.verifyAddress;
const ADDRESS_TTL_SECONDS = 60 * 60;

/** Where to ask for the code after a signup or a resend, with the validated return_to. */
export function verifyEmailLocation(returnTo: string, query = ""): string {
  const params = new URLSearchParams(query);
  if (returnTo !== "/") params.set("return_to", returnTo);
  const search = params.toString();
  return `/auth/verify-email${search ? `?${search}` : ""}`;
}

export function rememberAddressToVerify(c: Context<AppEnv>, email: string): void {
  setFlowCookie(c, ADDRESS_COOKIE, email, ADDRESS_TTL_SECONDS);
}

/** The remembered address; only ever shown back to the browser that typed it. */
export function addressToVerify(c: Context<AppEnv>): string | undefined {
  const value = readFlowCookie(c, ADDRESS_COOKIE);
  if (!value) return undefined;
  try {
    return decodeURIComponent(value).slice(0, 320);
  } catch {
    return undefined;
  }
}

export function forgetAddressToVerify(c: Context<AppEnv>): void {
  clearFlowCookie(c, ADDRESS_COOKIE);
}
