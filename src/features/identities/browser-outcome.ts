// Where a social sign-in's callback sends the browser: the session's cookies and return_to, the
// second-factor page, the link-proof page, or the sign-in page with a plain message (never the
// provider's own error text).
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { FLOW_COOKIES, IDENTITY_LINK_COOKIE, setFlowCookie } from "../../http/cookies.ts";
import { deferNewDeviceNotice } from "../account/notices.ts";
import type { AccountDeps } from "../account/service.ts";
import { MFA_CHALLENGE_TTL_SECONDS } from "../mfa/challenge.ts";
import { deliverTokens } from "../session/respond.ts";
import { LINK_INTENT_TTL_SECONDS } from "./link-intents.ts";
import type { ExternalSignInResult } from "./sign-in.ts";

/** The codes the sign-in page turns into a message (`?oauth_error=`). */
export type OAuthErrorCode =
  | "denied"
  | "failed"
  | "expired"
  | "provider_unavailable"
  | "too_many_attempts"
  | "email_unverified"
  | "email_missing"
  | "account_unverified"
  | "account_disabled"
  | "email_not_verified"
  | "identity_in_use";

const withReturnTo = (path: string, returnTo: string, extra = "") =>
  `${path}?${extra}${extra ? "&" : ""}return_to=${encodeURIComponent(returnTo)}`;

/** The sign-in page with a plain message about what went wrong. */
export function oauthErrorLocation(code: OAuthErrorCode, returnTo: string): string {
  return withReturnTo("/auth/sign-in", returnTo, `oauth_error=${code}`);
}

/** 303 for the form_post callback (a POST must become a GET), 302 otherwise. */
export function redirectAfterCallback(c: Context<AppEnv>, location: string): Response {
  c.header("Cache-Control", "no-store");
  return c.redirect(location, c.req.method === "POST" ? 303 : 302);
}

/** Turns the identity service's answer into the browser's next step. */
export function browserOutcome(
  c: Context<AppEnv>,
  deps: AccountDeps,
  result: ExternalSignInResult,
  returnTo: string,
): Response {
  switch (result.kind) {
    case "signed_in":
      deferNewDeviceNotice(c, deps, result);
      deliverTokens(c, result.tokens, "browser", deps.now);
      return redirectAfterCallback(c, returnTo);
    case "mfa_required":
      setFlowCookie(c, FLOW_COOKIES.mfaChallenge, result.challenge, MFA_CHALLENGE_TTL_SECONDS);
      return redirectAfterCallback(c, withReturnTo("/auth/two-factor", returnTo));
    case "link_required":
      setFlowCookie(c, IDENTITY_LINK_COOKIE, result.linkToken, LINK_INTENT_TTL_SECONDS);
      return redirectAfterCallback(c, withReturnTo("/auth/link", returnTo));
    case "provider_email_unverified":
      return redirectAfterCallback(c, oauthErrorLocation("email_unverified", returnTo));
    case "email_missing":
      return redirectAfterCallback(c, oauthErrorLocation("email_missing", returnTo));
    case "account_unverified":
      return redirectAfterCallback(c, oauthErrorLocation("account_unverified", returnTo));
    case "disabled":
      return redirectAfterCallback(c, oauthErrorLocation("account_disabled", returnTo));
    case "email_not_verified":
      return redirectAfterCallback(c, oauthErrorLocation("email_not_verified", returnTo));
  }
}
