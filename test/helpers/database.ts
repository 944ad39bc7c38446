// Gives each test file its own database, cloned from the migrated template, reached like the Worker
// reaches it: the Neon driver over the local relay.
import { Client } from "@neondatabase/serverless";
import { useLocalRelay } from "../../src/db/neon-local.ts";
import { testEnv } from "./env.ts";

/** `url` with its database name replaced. */
function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs SQL against `url` through the Neon driver (test set-up and assertions only). */
export async function sql<Row extends Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  useLocalRelay(testEnv.NEON_LOCAL_RELAY);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(text, params);
    return result.rows as Row[];
  } finally {
    await client.end();
  }
}

/** Creates a fresh database from the template and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `test_${crypto.randomUUID().replaceAll("-", "")}`;
  await sql(testEnv.PG_ADMIN_URL, `CREATE DATABASE "${name}" TEMPLATE "${testEnv.TEMPLATE_DATABASE}"`);
  return withDatabaseName(testEnv.PG_ADMIN_URL, name);
}
