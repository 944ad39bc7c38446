// The sign-in page's `?oauth_error=` (set by the social callback): a known code becomes its message,
// anything else the generic one, so the page never repeats what the query says.
import type { OAuthErrorCode } from "../../features/identities/browser-outcome.ts";
import type { Messages } from "../messages/index.ts";

const CODES: readonly OAuthErrorCode[] = [
  "denied",
  "failed",
  "expired",
  "provider_unavailable",
  "too_many_attempts",
  "email_unverified",
  "email_missing",
  "account_unverified",
  "account_disabled",
  "email_not_verified",
  "identity_in_use",
];

const isOAuthErrorCode = (value: string): value is OAuthErrorCode => (CODES as readonly string[]).includes(value);

/** The message for `value`, or undefined when the query has no oauth_error. */
export function oauthErrorMessage(t: Messages, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isOAuthErrorCode(value)) return t.identities.oauthErrorGeneric;
  return t.identities.oauthErrors[value];
}
