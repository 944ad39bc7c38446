// SQL against the browser suite's development database, for set-up a route cannot do (granting PLATFORM_ADMIN).
import pg from "pg";
import { inject } from "vitest";

/** Runs one statement on the gateway's database and returns its rows. */
export async function runSql<Row extends Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: inject("databaseUrl") });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as Row[];
  } finally {
    await client.end();
  }
}
