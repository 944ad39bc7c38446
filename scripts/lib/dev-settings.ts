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
  };
}

/** True for database URLs on this machine, which the Neon driver can reach only through the relay. */
export function isLoopbackDatabase(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}
