// Forced second-factor enrollment (REQUIRE_MFA_ROLES): the one list of what a session whose token says
// `mfa_enroll` may still do — look at itself, refresh, sign out, prove a recent sign-in and set up TOTP
// (the factor that turns two-step sign-in on) — and where browsers are sent to do it.
import { AppError } from "../../http/app-error.ts";

/** The security page, where the authenticator-app setup is. */
export const MFA_ENROLLMENT_PAGE = "/auth/account/security";

// Method and exact path; HEAD counts as GET. Logout, refresh and the sign-out page take no
// requireSession(), so they are listed only to keep this the whole story.
const ALLOWED_DURING_ENROLLMENT: ReadonlySet<string> = new Set([
  "GET /auth/session",
  "POST /auth/logout",
  "POST /auth/refresh",
  "GET /auth/mfa",
  "POST /auth/mfa/totp/enroll",
  "POST /auth/mfa/totp/confirm",
  "POST /auth/reauthenticate",
  "POST /auth/reauthenticate/passkey/options",
  // Hosted pages: the security page's TOTP setup, re-authentication and sign-out.
  `GET ${MFA_ENROLLMENT_PAGE}`,
  `POST ${MFA_ENROLLMENT_PAGE}/totp/enroll`,
  `GET ${MFA_ENROLLMENT_PAGE}/totp`,
  `POST ${MFA_ENROLLMENT_PAGE}/totp/confirm`,
  "GET /auth/reauthenticate",
  "POST /auth/reauthenticate/confirm",
  "POST /auth/reauthenticate/confirm/passkey/options",
  "GET /auth/sign-out",
  "POST /auth/sign-out",
  "GET /auth/signed-out",
]);

/** True when a session that must enroll a second factor may use `method` `path` (a URL pathname). */
export function isAllowedDuringMfaEnrollment(method: string, path: string): boolean {
  const verb = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  return ALLOWED_DURING_ENROLLMENT.has(`${verb} ${path}`);
}

/** Where a browser goes to enroll, coming back to `returnTo` (a path and query) afterwards. */
export function mfaEnrollmentLocation(returnTo: string): string {
  return `${MFA_ENROLLMENT_PAGE}?return_to=${encodeURIComponent(returnTo)}`;
}

/** 403 `mfa_enrollment_required` unless the session may use this route while it must enroll. */
export function assertUsableDuringEnrollment(
  session: { mfaEnrollmentRequired: boolean },
  request: { method: string; path: string },
): void {
  if (session.mfaEnrollmentRequired && !isAllowedDuringMfaEnrollment(request.method, request.path)) {
    throw new AppError("mfa_enrollment_required");
  }
}
