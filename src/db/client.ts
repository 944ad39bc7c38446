// Creates the per-request PrismaClient over the Neon adapter: the Worker's only database path.
import { PrismaNeon } from "@prisma/adapter-neon";
import type { Config } from "../config/index.ts";
import { PrismaClient } from "./generated/client.ts";
import { useLocalRelay } from "./neon-local.ts";

export type Database = PrismaClient;

/**
 * A Worker may not reuse an I/O object (socket, Pool) across requests, so every request gets its
 * own client. The caller must close it with `closeDatabase` (through `waitUntil`).
 */
export function openDatabase(config: Pick<Config, "databaseUrl" | "neonLocalRelay">): Database {
  if (config.neonLocalRelay) useLocalRelay(config.neonLocalRelay);
  const adapter = new PrismaNeon({ connectionString: config.databaseUrl, max: 5 });
  return new PrismaClient({ adapter });
}

export async function closeDatabase(db: Database): Promise<void> {
  await db.$disconnect().catch(() => undefined);
}
