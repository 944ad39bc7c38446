// The Worker's bindings: KV namespaces, vars and secrets as wrangler hands them over.

export type Bindings = {
  /** Revocation markers and caches (never counters). */
  AUTH_KV: KVNamespace;
  ENVIRONMENT?: string;
  DATABASE_URL?: string;
  NEON_LOCAL_RELAY?: string;
  MAX_BODY_BYTES?: string;
  HEALTH_DB_TIMEOUT_MS?: string;
  ISSUER?: string;
  AUDIENCE?: string;
  AUTH_SECRET?: string;
  ENCRYPTION_KEYS?: string;
  ENCRYPTION_KEY_VERSION?: string;
  SIGNING_KEYS?: string;
  ACCESS_TOKEN_TTL_SECONDS?: string;
  REFRESH_REUSE_OVERLAP_SECONDS?: string;
  SESSION_ABSOLUTE_TTL_SECONDS?: string;
  SESSION_IDLE_TTL_SECONDS?: string;
  REQUIRE_EMAIL_VERIFICATION?: string;
  PASSWORD_MIN_LENGTH?: string;
  TEST_FAST_PASSWORD_HASHING?: string;
  TRUSTED_ORIGINS?: string;
  LOGIN_FREE_FAILURES?: string;
  CLIENT_FREE_FAILURES?: string;
  LOCKOUT_FAILURES?: string;
  /** JSON text (env var or secret), or an array of route objects when written as TOML under [vars]. */
  GATEWAY_ROUTES?: string | readonly Record<string, unknown>[];
  /** JSON text, or an array of issuer entries when written as TOML under [vars]. */
  FEDERATED_ISSUERS?: string | readonly Record<string, unknown>[];
  /** Social sign-in entries: JSON text, or an array of tables from TOML. Secrets live in the bindings they name. */
  OAUTH_PROVIDERS?: string | readonly Record<string, unknown>[];
  SIGN_IN_URL?: string;
  /** Issue 15: JSON text, or an array of step tables from TOML. */
  ONBOARDING_STEPS?: string | readonly Record<string, unknown>[];
  ONBOARDING_URL?: string;
  /** issue 16: "true" serves the API reference at /auth/docs in production too. */
  API_DOCS?: string;
  /** issue 15 (finishing): days delivery-log rows are kept (default 90). */
  DELIVERY_LOG_RETENTION_DAYS?: string;
  APP_URL?: string;
  MAIL_PROVIDER?: string;
  MAIL_HTTP_URL?: string;
  MAIL_HTTP_TOKEN?: string;
  MAIL_FROM?: string;
  SMS_PROVIDER?: string;
  SMS_HTTP_URL?: string;
  SMS_HTTP_TOKEN?: string;
  SMS_FROM?: string;
  REAUTH_MAX_AGE_SECONDS?: string;
  REQUIRE_MFA_ROLES?: string;
  DELETED_USER_RETENTION_DAYS?: string;
  INVITATION_TTL_HOURS?: string;
  INVITATIONS_PER_TENANT_PER_HOUR?: string;
  TENANT_INVITE_ROLES?: string;
  MAX_TENANTS_PER_USER?: string;
  WEBAUTHN_RP_ID?: string;
  WEBAUTHN_RP_NAME?: string;
  WEBAUTHN_ORIGINS?: string;
  WEBAUTHN_USER_VERIFICATION?: string;
  BRAND_NAME?: string;
  BRAND_LOGO_URL?: string;
  BRAND_ACCENT_COLOR?: string;
  /** issue 15: the delivery webhook's HMAC secret, and the previous one during a rotation. */
  DELIVERY_WEBHOOK_SECRET?: string;
  DELIVERY_WEBHOOK_PREVIOUS_SECRET?: string;
  /** issue 15: days a read notification is kept before the scheduled handler purges it. */
  NOTIFICATION_RETENTION_DAYS?: string;
};
