// Turns the Worker's bindings into a typed Config once per bindings object; fails with the variable's name.
// From argon2.ts, not password.ts: keeps the configuration free of the wasm module import.
import { OWASP_ARGON2ID_PARAMS, TEST_ARGON2ID_PARAMS } from "../crypto/argon2.ts";
import { parseOAuthProviders } from "../features/identities/social/providers.ts";
import type { OnboardingSettings } from "../features/onboarding/steps.ts";
import type { GatewayRoute } from "../gateway/route-table.ts";
import type { Bindings } from "./bindings.ts";
import { type Config, defaultMailProvider, envSchema } from "./schema.ts";

export type { Bindings } from "./bindings.ts";
export { type Config, DEFAULT_CONFIG } from "./schema.ts";

/** Thrown when a setting is missing or invalid; the message names each bad variable, never a value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const cache = new WeakMap<object, Config>();

/** A route that requires onboarding while none is configured could never be reached: the table is unusable. */
function onboardingRouteProblem(routes: GatewayRoute[], onboarding: OnboardingSettings | undefined) {
  if (onboarding) return undefined;
  const index = routes.findIndex((route) => route.requireOnboarding);
  if (index === -1) return undefined;
  return `GATEWAY_ROUTES route #${index + 1} "${routes[index]?.name}": requireOnboarding needs ONBOARDING_STEPS`;
}

/** Parses `bindings` (cached per object, so a Worker parses its env once). */
export function loadConfig(bindings: Bindings): Config {
  const cached = cache.get(bindings);
  if (cached) return cached;
  const parsed = envSchema.safeParse(bindings);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "env"} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  const env = parsed.data;
  const oauth = parseOAuthProviders(
    env.OAUTH_PROVIDERS,
    bindings as unknown as Record<string, unknown>,
    env.ENVIRONMENT,
  );
  if (!oauth.ok) throw new ConfigError(`Invalid configuration: ${oauth.problems.join("; ")}`);
  const onboarding = env.ONBOARDING_STEPS ? { steps: env.ONBOARDING_STEPS, url: env.ONBOARDING_URL } : undefined;
  const routeTableProblem = env.GATEWAY_ROUTES.ok
    ? onboardingRouteProblem(env.GATEWAY_ROUTES.routes, onboarding)
    : env.GATEWAY_ROUTES.problem;
  const config: Config = {
    environment: env.ENVIRONMENT,
    databaseUrl: env.DATABASE_URL,
    neonLocalRelay: env.NEON_LOCAL_RELAY,
    maxBodyBytes: env.MAX_BODY_BYTES,
    healthDbTimeoutMs: env.HEALTH_DB_TIMEOUT_MS,
    kv: env.AUTH_KV,
    issuer: env.ISSUER.replace(/\/$/, ""),
    audience: env.AUDIENCE ?? env.ISSUER.replace(/\/$/, ""),
    authSecret: env.AUTH_SECRET,
    encryption: {
      keys: env.ENCRYPTION_KEYS,
      currentVersion: env.ENCRYPTION_KEY_VERSION ?? Math.max(1, ...env.ENCRYPTION_KEYS.map((entry) => entry.version)),
    },
    signingKeySet: env.SIGNING_KEYS,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshReuseOverlapSeconds: env.REFRESH_REUSE_OVERLAP_SECONDS,
    sessionAbsoluteTtlSeconds: env.SESSION_ABSOLUTE_TTL_SECONDS,
    sessionIdleTtlSeconds: env.SESSION_IDLE_TTL_SECONDS,
    requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION ?? env.ENVIRONMENT === "production",
    passwordMinLength: env.PASSWORD_MIN_LENGTH,
    passwordHashParams: env.TEST_FAST_PASSWORD_HASHING ? TEST_ARGON2ID_PARAMS : OWASP_ARGON2ID_PARAMS,
    trustedOrigins: env.TRUSTED_ORIGINS,
    loginFreeFailures: env.LOGIN_FREE_FAILURES,
    clientFreeFailures: env.CLIENT_FREE_FAILURES,
    lockoutFailures: env.LOCKOUT_FAILURES,
    gatewayRoutes: env.GATEWAY_ROUTES.ok && routeTableProblem === undefined ? env.GATEWAY_ROUTES.routes : [],
    routeTableProblem,
    federatedIssuers: env.FEDERATED_ISSUERS,
    oauthProviders: oauth.providers,
    signInUrl: env.SIGN_IN_URL,
    appUrl: (env.APP_URL ?? env.ISSUER).replace(/\/$/, ""),
    mail: {
      provider: env.MAIL_PROVIDER ?? defaultMailProvider(env.ENVIRONMENT),
      httpUrl: env.MAIL_HTTP_URL,
      httpToken: env.MAIL_HTTP_TOKEN,
      from: env.MAIL_FROM,
      authSecret: env.AUTH_SECRET,
    },
    sms:
      env.SMS_PROVIDER === "http" || (env.SMS_PROVIDER === undefined && env.ENVIRONMENT !== "production")
        ? {
            provider: env.SMS_PROVIDER ?? "outbox",
            httpUrl: env.SMS_HTTP_URL,
            httpToken: env.SMS_HTTP_TOKEN,
            from: env.SMS_FROM,
            authSecret: env.AUTH_SECRET,
          }
        : undefined,
    reauthMaxAgeSeconds: env.REAUTH_MAX_AGE_SECONDS,
    requireMfaRoles: env.REQUIRE_MFA_ROLES,
    deletedUserRetentionDays: env.DELETED_USER_RETENTION_DAYS,
    invitationTtlSeconds: env.INVITATION_TTL_HOURS * 3600,
    invitationsPerTenantPerHour: env.INVITATIONS_PER_TENANT_PER_HOUR,
    tenantInviteRoles: env.TENANT_INVITE_ROLES,
    maxTenantsPerUser: env.MAX_TENANTS_PER_USER,
    webauthn: {
      rpId: env.WEBAUTHN_RP_ID ?? new URL(env.ISSUER).hostname,
      rpName: env.WEBAUTHN_RP_NAME,
      origins: env.WEBAUTHN_ORIGINS ?? [new URL(env.ISSUER).origin],
      userVerification: env.WEBAUTHN_USER_VERIFICATION,
    },
    brand: { name: env.BRAND_NAME, logoUrl: env.BRAND_LOGO_URL, accentColor: env.BRAND_ACCENT_COLOR.toLowerCase() },
    deliveryWebhookSecrets: [env.DELIVERY_WEBHOOK_SECRET, env.DELIVERY_WEBHOOK_PREVIOUS_SECRET].filter(
      (secret): secret is string => secret !== undefined,
    ),
    onboarding,
    notificationRetentionDays: env.NOTIFICATION_RETENTION_DAYS,
    apiDocs: env.API_DOCS ?? env.ENVIRONMENT !== "production",
    deliveryLogRetentionDays: env.DELIVERY_LOG_RETENTION_DAYS,
  };
  cache.set(bindings, config);
  return config;
}
