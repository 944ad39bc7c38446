// `npm run db:seed`: inserts the role catalogue into DATABASE_URL (or the local embedded database); idempotent.
import pg from "pg";
import { localDatabaseUrl } from "./lib/local-database.ts";
import { parseSeedRoles, seedDatabase } from "./lib/seed.ts";

async function main(): Promise<number> {
  let extra: ReturnType<typeof parseSeedRoles>;
  try {
    extra = parseSeedRoles(process.env.SEED_ROLES);
  } catch (error) {
    console.error(`db:seed: ${(error as Error).message}`);
    return 1;
  }
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? localDatabaseUrl() });
  try {
    await client.connect();
  } catch (error) {
    console.error(
      `db:seed: cannot connect to the database (${(error as Error).message}). Is it running? (npm run dev starts the local one.)`,
    );
    return 1;
  }
  try {
    const result = await seedDatabase(client, extra);
    console.log(
      result.inserted.length ? `db:seed: added roles ${result.inserted.join(", ")}` : "db:seed: nothing to add.",
    );
    return 0;
  } finally {
    await client.end();
  }
}

process.exitCode = await main();
