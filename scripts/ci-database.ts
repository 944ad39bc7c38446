// CI's database check (seed 003): a throwaway PostgreSQL, an empty database, every migration applied,
// the seed run twice (the second run must add nothing), and no drift between the result and schema.prisma.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDatabase, withClient } from "./lib/databases.ts";
import { findSchemaDrift } from "./lib/drift.ts";
import { findFreePort } from "./lib/free-port.ts";
import { migrate } from "./lib/migrate.ts";
import { paths } from "./lib/paths.ts";
import { startLocalPostgres } from "./lib/postgres.ts";
import { seedDatabase } from "./lib/seed.ts";

async function main(): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), "portcullis-ci-db-"));
  await chmod(root, 0o755);
  const postgres = await startLocalPostgres({ dataDir: join(root, "pg"), port: await findFreePort() });
  try {
    await ensureDatabase(postgres.urlFor("postgres"), "ci_empty");
    return await withClient(postgres.urlFor("ci_empty"), async (client) => {
      const migrated = await migrate(client, paths.migrations);
      console.log(`ci-database: applied ${migrated.applied.length} migrations to an empty database`);
      const first = await seedDatabase(client);
      console.log(`ci-database: first seed added ${first.inserted.join(", ") || "nothing"}`);
      const second = await seedDatabase(client);
      console.log(`ci-database: second seed added ${second.inserted.join(", ") || "nothing"}`);
      const drift = await findSchemaDrift(client, paths.schema);
      for (const difference of drift) console.error(`ci-database: drift: ${difference}`);
      if (first.inserted.length === 0 || second.inserted.length > 0 || drift.length > 0) return 1;
      console.log("ci-database: ok (seed idempotent, no drift)");
      return 0;
    });
  } finally {
    await postgres.stop();
    await rm(root, { recursive: true, force: true });
  }
}

process.exitCode = await main();
