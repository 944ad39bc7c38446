// Every hosted page, each behind pageSecurity (nonce CSP, no framing, no caching, HTML errors).
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { accountChannelsRoutes } from "./account/channels-routes.tsx";
import { accountDeletionRoutes } from "./account/deletion-routes.tsx";
import { accountEmailRoutes } from "./account/email-routes.tsx";
import { accountInboxRoutes } from "./account/inbox-routes.tsx";
import { accountPhoneRoutes } from "./account/phone-routes.tsx";
import { accountProfileRoutes } from "./account/profile-routes.tsx";
import { accountRoutes } from "./account/routes.tsx";
import { accountSecurityRoutes } from "./account-security/routes.tsx";
import { adminConsoleRoutes } from "./admin/routes.tsx";
import { assetRoutes } from "./assets/routes.ts";
import { devMailRoutes } from "./dev-mail/routes.tsx";
import { forgotPasswordRoutes } from "./forgot-password/routes.tsx";
import { invitationPageRoutes } from "./invitations/routes.tsx";
import { linkRoutes } from "./link/routes.tsx";
import { onboardingPageRoutes } from "./onboarding/routes.tsx";
import { pageSecurity } from "./page-security.ts";
import { PAGE_PASSKEY_OPTIONS } from "./passkey-options-paths.ts";
import { reauthenticateRoutes } from "./reauthenticate/routes.tsx";
import { resetPasswordRoutes } from "./reset-password/routes.tsx";
import { signInRoutes } from "./sign-in/routes.tsx";
import { signOutRoutes } from "./sign-out/routes.tsx";
import { signUpRoutes } from "./sign-up/routes.tsx";
import { twoFactorRoutes } from "./two-factor/routes.tsx";
import { verifyEmailRoutes } from "./verify-email/routes.tsx";

const pages = new Hono<AppEnv>()
  .route("/", signInRoutes)
  .route("/", signOutRoutes)
  .route("/", devMailRoutes)
  .route("/", accountRoutes)
  .route("/", accountEmailRoutes)
  .route("/", accountPhoneRoutes)
  .route("/", accountProfileRoutes)
  // issue 15: the inbox forms.
  .route("/", accountInboxRoutes)
  .route("/", accountChannelsRoutes)
  .route("/", accountDeletionRoutes)
  .route("/", accountSecurityRoutes)
  .route("/", signUpRoutes)
  .route("/", verifyEmailRoutes)
  .route("/", forgotPasswordRoutes)
  .route("/", resetPasswordRoutes)
  .route("/", twoFactorRoutes)
  .route("/", reauthenticateRoutes)
  .route("/", linkRoutes)
  .route("/", invitationPageRoutes)
  .route("/", adminConsoleRoutes)
  .route("/", onboardingPageRoutes);

/**
 * pageSecurity on the pages' own paths, mounted before the /auth/* body-limit and CSRF middleware so
 * that their refusals (a cross-site POST from a signed-in browser) are rendered as pages too.
 */
export const pageSecurityRoutes = new Hono<AppEnv>();
// Scoped to the pages' own methods and paths: a bare use() would wrap the JSON API and the gateway too,
// and a path alone would wrap the JSON POST /auth/reauthenticate beside the page's GET.
const pageRoutes = new Map(pages.routes.map((route) => [`${route.method} ${route.path}`, route]));
const jsonRoutes = new Set<string>(Object.values(PAGE_PASSKEY_OPTIONS));
for (const { method, path } of pageRoutes.values()) {
  pageSecurityRoutes.on(method, path, pageSecurity({ errors: jsonRoutes.has(path) ? "json" : "page" }));
}

export const uiRoutes = new Hono<AppEnv>();
uiRoutes.route("/", assetRoutes);
uiRoutes.route("/", pages);
