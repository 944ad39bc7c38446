// Every setting of the Worker, with its default, parsed from env vars, wrangler vars and secrets.
import { z } from "zod";

/** Defaults for every optional setting, in one place. */
export const DEFAULT_CONFIG = {
  environment: "production",
  maxBodyBytes: 64 * 1024,
  healthDbTimeoutMs: 5_000,
} as const;

const positiveInteger = z.coerce.number().int().positive();

// `host:port` on a loopback address: the relay is a development tool and never leaves the machine.
const loopbackHostPort = z
  .string()
  .regex(
    /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}$/,
    "must be a loopback host:port, e.g. 127.0.0.1:8788",
  );

export const envSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default(DEFAULT_CONFIG.environment),
    DATABASE_URL: z
      .string({ error: "is required (a postgres:// connection string)" })
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection string"),
    NEON_LOCAL_RELAY: loopbackHostPort.optional(),
    MAX_BODY_BYTES: positiveInteger.max(10 * 1024 * 1024).default(DEFAULT_CONFIG.maxBodyBytes),
    HEALTH_DB_TIMEOUT_MS: positiveInteger.max(60_000).default(DEFAULT_CONFIG.healthDbTimeoutMs),
    AUTH_KV: z.custom<KVNamespace>((value) => typeof value === "object" && value !== null && "get" in value, {
      error: "binding is missing (a KV namespace, see wrangler.toml)",
    }),
  })
  .refine((env) => !(env.ENVIRONMENT === "production" && env.NEON_LOCAL_RELAY), {
    path: ["NEON_LOCAL_RELAY"],
    error: "must not be set in production",
  });

export type Config = {
  environment: "development" | "test" | "production";
  databaseUrl: string;
  /** Set only in development and tests: route the Neon driver through the local WebSocket relay. */
  neonLocalRelay: string | undefined;
  maxBodyBytes: number;
  healthDbTimeoutMs: number;
  kv: KVNamespace;
};
