// The Worker's bindings: KV namespaces, vars and secrets as wrangler hands them over.

export type Bindings = {
  /** Revocation markers and caches (never counters). */
  AUTH_KV: KVNamespace;
  ENVIRONMENT?: string;
  DATABASE_URL?: string;
  NEON_LOCAL_RELAY?: string;
  MAX_BODY_BYTES?: string;
  HEALTH_DB_TIMEOUT_MS?: string;
};
