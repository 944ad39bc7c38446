// Builds the Hono app: (development: /dev/ping) → request id → config → database → (auth, admin: body limit, CSRF) → auth routes → admin API → gateway.
import { Hono } from "hono";
import { database } from "./db/middleware.ts";
import { accountRoutes } from "./features/account/routes.ts";
import { adminRoutes } from "./features/admin/routes.ts";
import { deliveryWebhookRoutes } from "./features/delivery/routes.ts";
import { healthRoutes } from "./features/health/routes.ts";
import { oauthRoutes } from "./features/identities/oauth-routes.ts";
import { identityRoutes } from "./features/identities/routes.ts";
import { tokenExchangeRoutes } from "./features/identities/token-exchange-routes.ts";
import { invitationRoutes } from "./features/invitations/routes.ts";
import { keyRoutes } from "./features/keys/routes.ts";
import { lifecycleAdminRoutes } from "./features/lifecycle/admin-routes.ts";
import { lifecycleRoutes } from "./features/lifecycle/routes.ts";
import { mfaRoutes } from "./features/mfa/routes.ts";
import { notificationRoutes } from "./features/notifications/routes.ts";
import { onboardingRoutes } from "./features/onboarding/routes.ts";
import { openApiRoutes } from "./features/openapi/routes.tsx";
import { passkeyRoutes } from "./features/passkeys/routes.ts";
import { profileRoutes } from "./features/profile/routes.ts";
import { sessionRoutes } from "./features/session/routes.ts";
import { tenancyRoutes } from "./features/tenancy/routes.ts";
import { contactRoutes } from "./features/verification/contact-routes.ts";
import { emailVerificationRoutes } from "./features/verification/email-routes.ts";
import { devOutboxRoutes, verificationRoutes } from "./features/verification/routes.ts";
import { handleGatewayRequest } from "./gateway/handler.ts";
import type { AppEnv } from "./http/app-env.ts";
import { limitBodySize } from "./http/body.ts";
import { config } from "./http/config-middleware.ts";
import { csrfProtection } from "./http/csrf.ts";
import { DEV_PING_PATH, devPing } from "./http/dev-ping.ts";
import { handleError, handleNotFound } from "./http/error-handler.ts";
import { requestId } from "./http/request-id.ts";
import { CATALOG_LOCALES } from "./ui/messages/index.ts";
import { pageSecurityRoutes, uiRoutes } from "./ui/routes.ts";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(DEV_PING_PATH, devPing());
  app.use(requestId(), config(), database());
  app.route("/", pageSecurityRoutes);
  // Proxied bodies stream to the origin unlimited; the gateway's own API takes small JSON only.
  app.use("/auth/*", limitBodySize(), csrfProtection());
  // The admin API is cookie-authenticated too (the console): the same body limit and Origin check.
  app.use("/admin/*", limitBodySize(), csrfProtection());
  app.route("/", healthRoutes);
  app.route("/", keyRoutes);
  app.route("/", accountRoutes);
  app.route("/", sessionRoutes);
  app.route("/", verificationRoutes);
  app.route("/", emailVerificationRoutes);
  app.route("/", contactRoutes);
  app.route("/", mfaRoutes);
  app.route("/", passkeyRoutes);
  app.route("/", oauthRoutes);
  app.route("/", identityRoutes);
  app.route("/", tokenExchangeRoutes);
  app.route("/", tenancyRoutes);
  app.route("/", invitationRoutes);
  app.route("/", lifecycleRoutes);
  app.route("/", lifecycleAdminRoutes);
  app.route("/", onboardingRoutes);
  app.route("/", profileRoutes({ locales: CATALOG_LOCALES }));
  app.route("/", devOutboxRoutes);
  // issue 15: the provider's signed delivery events (server to server; /auth/* body limit above).
  app.route("/", deliveryWebhookRoutes);
  // issue 15: the in-app inbox.
  app.route("/", notificationRoutes);
  // issue 16: the OpenAPI document of every route above and below, and its reference page.
  app.route("/", openApiRoutes(app));
  app.route("/", uiRoutes);
  app.route("/", adminRoutes);
  app.all("*", handleGatewayRequest);
  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}
