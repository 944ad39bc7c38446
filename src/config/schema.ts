import { z } from "zod";
import type { Argon2Params } from "../crypto/argon2.ts";
import type { EncryptionSettings } from "../crypto/server-keys.ts";
import { type SigningKeySet, signingKeySetSchema } from "../crypto/signing-keys.ts";
import type { DeliverySettings } from "../delivery/mailer.ts";
import {
  type FederatedIssuer,
  federatedIssuersSchema,
  findPlainHttpUrls,
} from "../features/identities/federated/issuers.ts";
import type { OAuthProvider } from "../features/identities/social/provider-types.ts";
import { type OnboardingSettings, parseOnboardingSteps } from "../features/onboarding/steps.ts";
import type { GatewayRoute } from "../gateway/route-table.ts";
import {
  booleanString,
  decodesAsBase64url,
  encryptionKeyList,
  isAllowedOnboardingUrl,
  isLogoUrl,
  isOnboardingUrlShape,
  jsonString,
  loopbackHostPort,
  originList,
  positiveInteger,
  roleKeyList,
  routeTable,
  webhookSecret,
} from "./fields.ts";

/** Defaults for every optional setting, in one place. */
export const DEFAULT_CONFIG = {
  environment: "production",
  maxBodyBytes: 64 * 1024,
  healthDbTimeoutMs: 5_000,
  accessTokenTtlSeconds: 300,
  refreshReuseOverlapSeconds: 10,
  sessionAbsoluteTtlSeconds: 30 * 24 * 3600,
  sessionIdleTtlSeconds: 7 * 24 * 3600,
  passwordMinLength: 12,
  loginFreeFailures: 5,
  clientFreeFailures: 20,
  lockoutFailures: 100,
  requireMfaRoles: "PLATFORM_ADMIN,OWNER",
  deletedUserRetentionDays: 30,
  invitationTtlHours: 7 * 24,
  invitationsPerTenantPerHour: 30,
  tenantInviteRoles: "OWNER",
  maxTenantsPerUser: 20,
  onboardingUrl: "/onboarding",
  // issue 15: notifications
  notificationRetentionDays: 90,
  // issue 15: finishing (delivery-log retention)
  deliveryLogRetentionDays: 90,
} as const;

export const envSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default(DEFAULT_CONFIG.environment),
    DATABASE_URL: z
      .string({ error: "is required (a postgres:// connection string)" })
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection string"),
    NEON_LOCAL_RELAY: loopbackHostPort.optional(),
    MAX_BODY_BYTES: positiveInteger.max(10 * 1024 * 1024).default(DEFAULT_CONFIG.maxBodyBytes),
    HEALTH_DB_TIMEOUT_MS: positiveInteger.max(60_000).default(DEFAULT_CONFIG.healthDbTimeoutMs),
    ISSUER: z.url({
      protocol: /^https?$/,
      error: "is required: the gateway's public URL, e.g. https://auth.example.com",
    }),
    AUDIENCE: z.string().min(1).optional(),
    AUTH_SECRET: z
      .string({ error: "is required: 32+ random bytes, base64url (npm run keys prints one)" })
      .regex(/^[A-Za-z0-9_-]{43,}$/, "must be at least 32 random bytes in base64url (npm run keys prints one)")
      .refine(decodesAsBase64url, "is not canonical base64url (npm run keys prints one)"),
    ENCRYPTION_KEYS: encryptionKeyList.default([]),
    // Which version encrypts; unset: the highest. Lets a new key be deployed for reading first.
    ENCRYPTION_KEY_VERSION: positiveInteger.optional(),
    SIGNING_KEYS: z
      .string({ error: "is required: a JWK set (npm run keys prints one)" })
      .pipe(jsonString)
      .pipe(signingKeySetSchema),
    ACCESS_TOKEN_TTL_SECONDS: positiveInteger.min(60).max(3600).default(DEFAULT_CONFIG.accessTokenTtlSeconds),
    REFRESH_REUSE_OVERLAP_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(60)
      .default(DEFAULT_CONFIG.refreshReuseOverlapSeconds),
    SESSION_ABSOLUTE_TTL_SECONDS: positiveInteger.min(300).default(DEFAULT_CONFIG.sessionAbsoluteTtlSeconds),
    SESSION_IDLE_TTL_SECONDS: positiveInteger.min(300).default(DEFAULT_CONFIG.sessionIdleTtlSeconds),
    // Unset: on in production (signup then reveals nothing), off elsewhere.
    REQUIRE_EMAIL_VERIFICATION: booleanString.optional(),
    // NIST SP 800-63B: never below 8; 12 by default.
    PASSWORD_MIN_LENGTH: positiveInteger.min(8).max(64).default(DEFAULT_CONFIG.passwordMinLength),
    // Test suite only (see TEST_PASSWORD_HASH_PARAMS): refused in every other environment below.
    TEST_FAST_PASSWORD_HASHING: booleanString.optional(),
    TRUSTED_ORIGINS: originList.default([]),
    LOGIN_FREE_FAILURES: positiveInteger.max(50).default(DEFAULT_CONFIG.loginFreeFailures),
    CLIENT_FREE_FAILURES: positiveInteger.max(1000).default(DEFAULT_CONFIG.clientFreeFailures),
    LOCKOUT_FAILURES: positiveInteger.min(10).max(100).default(DEFAULT_CONFIG.lockoutFailures),
    GATEWAY_ROUTES: routeTable,
    // Issuers whose ID tokens may be exchanged (JSON array, see federated/issuers.ts); a bad entry fails config.
    FEDERATED_ISSUERS: federatedIssuersSchema.optional().transform((issuers) => issuers ?? []),
    // Social sign-in entries (JSON); parsed in loadConfig, which also reads the secret bindings they name.
    OAUTH_PROVIDERS: z.unknown().optional(),
    // Where browsers without a session are sent; must be a same-origin path.
    SIGN_IN_URL: z
      .string()
      .regex(/^\/(?![/\\])[^\s]*$/, "must be a path on the gateway, e.g. /auth/sign-in")
      .default("/auth/sign-in"),
    // Where links in messages point (pages that read ?token= and call the API); defaults to ISSUER.
    APP_URL: z.url({ protocol: /^https?$/ }).optional(),
    MAIL_PROVIDER: z.enum(["outbox", "http"]).optional(),
    MAIL_HTTP_URL: z.url({ protocol: /^https?$/ }).optional(),
    MAIL_HTTP_TOKEN: z.string().min(1).optional(),
    MAIL_FROM: z.string().min(3).default("Portcullis <no-reply@localhost>"),
    SMS_PROVIDER: z.enum(["outbox", "http"]).optional(),
    SMS_HTTP_URL: z.url({ protocol: /^https?$/ }).optional(),
    SMS_HTTP_TOKEN: z.string().min(1).optional(),
    SMS_FROM: z.string().min(1).max(32).default("Portcullis"),
    // Holders of these roles must have a second factor: without one, a session can only enroll one.
    REQUIRE_MFA_ROLES: roleKeyList.default(DEFAULT_CONFIG.requireMfaRoles.split(",")),
    // Days a soft-deleted user can cancel (by a password reset) before the scheduled handler scrubs them.
    DELETED_USER_RETENTION_DAYS: positiveInteger.max(3650).default(DEFAULT_CONFIG.deletedUserRetentionDays),
    INVITATION_TTL_HOURS: positiveInteger.max(90 * 24).default(DEFAULT_CONFIG.invitationTtlHours),
    INVITATIONS_PER_TENANT_PER_HOUR: positiveInteger.max(10_000).default(DEFAULT_CONFIG.invitationsPerTenantPerHour),
    // Tenant roles whose holders may invite and manage invitations (owners always may).
    TENANT_INVITE_ROLES: roleKeyList.default(DEFAULT_CONFIG.tenantInviteRoles.split(",")),
    MAX_TENANTS_PER_USER: positiveInteger.max(1000).default(DEFAULT_CONFIG.maxTenantsPerUser),
    // How recent the last full sign-in must be for sensitive changes (email change).
    REAUTH_MAX_AGE_SECONDS: positiveInteger.min(60).max(86_400).default(600),
    // Passkeys: the relying party id (a registrable domain of the gateway) and the allowed origins.
    WEBAUTHN_RP_ID: z
      .string()
      .regex(/^[a-z0-9.-]+$/, "must be a host name, e.g. example.com")
      .optional(),
    WEBAUTHN_RP_NAME: z.string().min(1).max(64).default("Portcullis"),
    WEBAUTHN_ORIGINS: originList.optional(),
    // "preferred" lets security keys without a PIN serve as a second factor; such a passkey alone is one factor.
    WEBAUTHN_USER_VERIFICATION: z.enum(["required", "preferred"]).default("required"),
    // Hosted pages' branding: the name in titles and headers, a logo (https or a path on the gateway),
    // and one accent colour as #rgb or #rrggbb (it goes into the stylesheet, so nothing else is allowed).
    BRAND_NAME: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .regex(/^[^\p{Cc}<>]*$/u, "must be plain text")
      .default("Portcullis"),
    BRAND_LOGO_URL: z
      .string()
      .max(2048)
      .refine(isLogoUrl, "must be an https:// URL or a path on the gateway, e.g. /logo.svg")
      .optional(),
    BRAND_ACCENT_COLOR: z
      .string()
      .regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "must be a hex colour, e.g. #4f46e5")
      .default("#4f46e5"),
    // issue 15: delivery log. The provider's bounce/complaint webhook secret (unset: the route answers
    // 404), and the one it replaces during a rotation (accepted too until removed).
    DELIVERY_WEBHOOK_SECRET: webhookSecret.optional(),
    DELIVERY_WEBHOOK_PREVIOUS_SECRET: webhookSecret.optional(),
    // Issue 15: onboarding steps (JSON array, see features/onboarding/steps.ts); unset: onboarding is off.
    ONBOARDING_STEPS: z
      .unknown()
      .optional()
      .transform((value, ctx) => (value === undefined || value === "" ? undefined : parseOnboardingSteps(value, ctx))),
    // Where browsers go to onboard: a path on the gateway, or a URL on ISSUER's origin or a TRUSTED_ORIGINS one.
    ONBOARDING_URL: z
      .string()
      .max(2048)
      .refine(isOnboardingUrlShape, "must be a path on the gateway (e.g. /onboarding) or an http(s) URL")
      .default(DEFAULT_CONFIG.onboardingUrl),
    // issue 15: notifications. Days a read notification stays before the scheduled handler purges it.
    NOTIFICATION_RETENTION_DAYS: positiveInteger.max(3650).default(DEFAULT_CONFIG.notificationRetentionDays),
    // issue 16: the API reference page at /auth/docs; unset: served outside production only.
    API_DOCS: booleanString.optional(),
    // issue 15: finishing. Delivery-log rows older than this are purged by the scheduled cleanup.
    DELIVERY_LOG_RETENTION_DAYS: positiveInteger.max(3650).default(DEFAULT_CONFIG.deliveryLogRetentionDays),
    AUTH_KV: z.custom<KVNamespace>((value) => typeof value === "object" && value !== null && "get" in value, {
      error: "binding is missing (a KV namespace, see wrangler.toml)",
    }),
  })
  .refine(
    (env) =>
      env.ENCRYPTION_KEY_VERSION === undefined ||
      env.ENCRYPTION_KEY_VERSION === 1 ||
      env.ENCRYPTION_KEYS.some((entry) => entry.version === env.ENCRYPTION_KEY_VERSION),
    { path: ["ENCRYPTION_KEY_VERSION"], error: "must be 1 or a version listed in ENCRYPTION_KEYS" },
  )
  .refine((env) => env.TEST_FAST_PASSWORD_HASHING === undefined || env.ENVIRONMENT === "test", {
    path: ["TEST_FAST_PASSWORD_HASHING"],
    error: "is for the test suite only (ENVIRONMENT=test): it makes stored password hashes cheap to crack",
  })
  .refine((env) => !(env.ENVIRONMENT === "production" && env.NEON_LOCAL_RELAY), {
    path: ["NEON_LOCAL_RELAY"],
    error: "must not be set in production",
  })
  .refine((env) => (env.MAIL_PROVIDER ?? defaultMailProvider(env.ENVIRONMENT)) !== "http" || env.MAIL_HTTP_URL, {
    path: ["MAIL_HTTP_URL"],
    error: "is required when MAIL_PROVIDER is http",
  })
  .refine((env) => !(env.ENVIRONMENT === "production" && env.MAIL_PROVIDER === "outbox"), {
    path: ["MAIL_PROVIDER"],
    error: "outbox keeps message bodies (codes, links) and is for development only",
  })
  .refine((env) => (env.SMS_PROVIDER ?? "outbox") !== "http" || env.SMS_HTTP_URL, {
    path: ["SMS_HTTP_URL"],
    error: "is required when SMS_PROVIDER is http",
  })
  .refine((env) => !(env.ENVIRONMENT === "production" && env.SMS_PROVIDER === "outbox"), {
    path: ["SMS_PROVIDER"],
    error: "outbox keeps message bodies (codes) and is for development only",
  })
  .refine((env) => !env.DELIVERY_WEBHOOK_PREVIOUS_SECRET || env.DELIVERY_WEBHOOK_SECRET, {
    path: ["DELIVERY_WEBHOOK_PREVIOUS_SECRET"],
    error: "needs DELIVERY_WEBHOOK_SECRET (the new secret) as well",
  })
  .refine((env) => isAllowedOnboardingUrl(env.ONBOARDING_URL, [env.ISSUER, ...(env.TRUSTED_ORIGINS ?? [])]), {
    path: ["ONBOARDING_URL"],
    error: "must be a path or a URL on ISSUER's origin or one of TRUSTED_ORIGINS",
  })
  .superRefine((env, ctx) => {
    if (env.ENVIRONMENT !== "production") return;
    for (const message of findPlainHttpUrls(env.FEDERATED_ISSUERS)) {
      ctx.addIssue({ code: "custom", path: ["FEDERATED_ISSUERS"], message });
    }
  });

/** The development outbox outside production; a real provider in production. */
export function defaultMailProvider(environment: string): "outbox" | "http" {
  return environment === "production" ? "http" : "outbox";
}

export type Config = {
  environment: "development" | "test" | "production";
  databaseUrl: string;
  /** Set only in development and tests: route the Neon driver through the local WebSocket relay. */
  neonLocalRelay: string | undefined;
  maxBodyBytes: number;
  healthDbTimeoutMs: number;
  kv: KVNamespace;
  issuer: string;
  audience: string;
  authSecret: string;
  /** Secret-box keys beyond version 1 (derived from AUTH_SECRET), and the version that encrypts. */
  encryption: EncryptionSettings;
  signingKeySet: SigningKeySet;
  accessTokenTtlSeconds: number;
  refreshReuseOverlapSeconds: number;
  sessionAbsoluteTtlSeconds: number;
  sessionIdleTtlSeconds: number;
  requireEmailVerification: boolean;
  passwordMinLength: number;
  /** Argon2id parameters new hashes use (and older ones are upgraded to): OWASP's outside the test suite. */
  passwordHashParams: Argon2Params;
  /** Origins besides the gateway's own that may send cookie-authenticated unsafe requests. */
  trustedOrigins: string[];
  /** Consecutive failures per account before delays start. */
  loginFreeFailures: number;
  /** Failures per client (ip_hash) per hour before delays start. */
  clientFreeFailures: number;
  /** Consecutive failures that lock an account until a password reset (NIST: at most 100). */
  lockoutFailures: number;
  /** Proxied routes, in match order; empty when the table is unusable (see `routeTableProblem`). */
  gatewayRoutes: GatewayRoute[];
  /** Why GATEWAY_ROUTES cannot be used: the gateway then answers 500 and /healthz 503. */
  routeTableProblem: string | undefined;
  /** Issuers whose ID tokens POST /auth/token accepts (FEDERATED_ISSUERS). */
  federatedIssuers: FederatedIssuer[];
  /** Social sign-in providers (OAUTH_PROVIDERS), secrets resolved; empty when none are configured. */
  oauthProviders: OAuthProvider[];
  signInUrl: string;
  appUrl: string;
  mail: DeliverySettings;
  /** Unset in production means no SMS provider: phone verification answers delivery_failed. */
  sms: DeliverySettings | undefined;
  reauthMaxAgeSeconds: number;
  /** REQUIRE_MFA_ROLES: role keys whose holders must have a second factor. */
  requireMfaRoles: string[];
  deletedUserRetentionDays: number;
  invitationTtlSeconds: number;
  invitationsPerTenantPerHour: number;
  /** Tenant roles allowed to invite (OWNER always is). */
  tenantInviteRoles: string[];
  maxTenantsPerUser: number;
  webauthn: { rpId: string; rpName: string; origins: string[]; userVerification: "required" | "preferred" };
  brand: { name: string; logoUrl: string | undefined; accentColor: string };
  /** issue 15: secrets that may sign delivery webhooks, newest first; empty means the route is off. */
  deliveryWebhookSecrets: string[];
  /** ONBOARDING_STEPS and ONBOARDING_URL; undefined when onboarding is off. */
  onboarding: OnboardingSettings | undefined;
  /** issue 15: days a read notification is kept (NOTIFICATION_RETENTION_DAYS). */
  notificationRetentionDays: number;
  /** issue 16: serve the API reference page at /auth/docs (API_DOCS; default: outside production). */
  apiDocs: boolean;
  /** issue 15: DELIVERY_LOG_RETENTION_DAYS, how long delivery-log rows are kept. */
  deliveryLogRetentionDays: number;
};
