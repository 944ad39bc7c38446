// Turns the Worker's bindings into a typed Config once per bindings object; fails with the variable's name.
import type { Bindings } from "./bindings.ts";
import { type Config, envSchema } from "./schema.ts";

export type { Bindings } from "./bindings.ts";
export { type Config, DEFAULT_CONFIG } from "./schema.ts";

/** Thrown when a setting is missing or invalid; the message names each bad variable, never a value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const cache = new WeakMap<object, Config>();

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
  const config: Config = {
    environment: env.ENVIRONMENT,
    databaseUrl: env.DATABASE_URL,
    neonLocalRelay: env.NEON_LOCAL_RELAY,
    maxBodyBytes: env.MAX_BODY_BYTES,
    healthDbTimeoutMs: env.HEALTH_DB_TIMEOUT_MS,
    kv: env.AUTH_KV,
  };
  cache.set(bindings, config);
  return config;
}
