// Settings of `npm run dev`, read once from the environment with their defaults.
import { isAbsolute, join } from "node:path";
import { paths } from "./paths.ts";

export type DevSettings = {
  /** Where the embedded PostgreSQL and local KV keep their files. @default ".data" */
  dataDir: string;
  /** @default 54329 (away from a system server's 5432) */
  postgresPort: number;
  /** Port wrangler dev serves the gateway on. @default 8787 */
  port: number;
  /** An external database; when set, no embedded PostgreSQL is started. */
  databaseUrl: string | undefined;
  /** PORTCULLIS_PG_STATEMENTS=1: the embedded PostgreSQL loads pg_stat_statements (for the bench). */
  trackStatements: boolean;
  /** PORTCULLIS_RELAY_STATS=1: the relay records round trips and serves them at GET /stats (for the bench). */
  recordRelayTurns: boolean;
};

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a port number between 1 and 65535`);
  }
  return port;
}

export function readDevSettings(): DevSettings {
  const dataDir = process.env.PORTCULLIS_DATA_DIR;
  return {
    dataDir: dataDir ? (isAbsolute(dataDir) ? dataDir : join(paths.root, dataDir)) : paths.data,
    postgresPort: portFrom("PORTCULLIS_PG_PORT", 54329),
    port: portFrom("PORT", 8787),
    databaseUrl: process.env.DATABASE_URL || undefined,
    trackStatements: process.env.PORTCULLIS_PG_STATEMENTS === "1",
    recordRelayTurns: process.env.PORTCULLIS_RELAY_STATS === "1",
  };
}

/** Server settings that make every statement, BEGIN and COMMIT included, visible in pg_stat_statements. */
export const STATEMENT_TRACKING_SETTINGS = {
  shared_preload_libraries: "pg_stat_statements",
  "pg_stat_statements.track_utility": "on",
};

/** True for database URLs on this machine, which the Neon driver can reach only through the relay. */
export function isLoopbackDatabase(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}
