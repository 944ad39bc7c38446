// Issue 15: what the gateway says of a caller's onboarding, read from the access token's `onb` claim
// (no database on the hot path), and where a browser goes to finish it.
import type { OnboardingStatus } from "@portcullis/origin";
import type { Config } from "../config/index.ts";
import type { AuthenticatedSession } from "../http/app-env.ts";
import { safeReturnTo } from "../http/return-to.ts";

/** `complete` or `in_progress`; undefined when onboarding is off (no header, no claim). */
export function onboardingStatusOf(
  config: Pick<Config, "onboarding">,
  session: Pick<AuthenticatedSession, "onboardingComplete">,
): OnboardingStatus | undefined {
  if (!config.onboarding) return undefined;
  return session.onboardingComplete ? "complete" : "in_progress";
}

/**
 * ONBOARDING_URL with `return_to` (a validated same-origin path and query) added to its query. The URL
 * itself was checked at config load: a path, or a URL on the issuer's or a trusted origin.
 */
export function onboardingLocation(onboardingUrl: string, returnTo: string): string {
  const separator = onboardingUrl.includes("?") ? "&" : "?";
  return `${onboardingUrl}${separator}return_to=${encodeURIComponent(safeReturnTo(returnTo))}`;
}
