// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the local embedded database).
import pg from "pg";
import { localDatabaseUrl } from "./lib/local-database.ts";
import { MigrationError, migrate } from "./lib/migrate.ts";
import { paths } from "./lib/paths.ts";

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL ?? localDatabaseUrl();
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    console.error(
      `db:migrate: cannot connect to the database (${(error as Error).message}). Is it running? (npm run dev starts the local one.)`,
    );
    return 1;
  }
  try {
    const result = await migrate(client, paths.migrations);
    if (result.applied.length === 0) console.log("db:migrate: database is up to date.");
    for (const name of result.applied) console.log(`db:migrate: applied ${name}`);
    return 0;
  } catch (error) {
    if (error instanceof MigrationError) {
      console.error(`db:migrate: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await client.end();
  }
}

process.exitCode = await main();
