// Row counts of every table in one query over one connection, so the fuzzer can compare them around
// each request cheaply; refused requests may only count attempts and audit their own failure.
import { Client } from "@neondatabase/serverless";
import { useLocalRelay } from "../../../src/db/neon-local.ts";
import { testEnv } from "../env.ts";

export type RowCounts = Record<string, number>;

/**
 * What a refused (4xx) request may write: attempt counters (they must count failures to limit them)
 * and audit rows with `success = false` (login.failed and the like are the record of the refusal).
 * Successful audit rows are counted on their own (`audit_events:success`), so they may not appear.
 */
export const WRITES_ALLOWED_WHEN_REFUSED = new Set(["auth_counters", "audit_events"]);

export type RowCounter = { counts: () => Promise<RowCounts>; close: () => Promise<void> };

/** A connection to `databaseUrl` that counts the rows of every table in the public schema. */
export async function openRowCounter(databaseUrl: string): Promise<RowCounter> {
  useLocalRelay(testEnv.NEON_LOCAL_RELAY);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const tables = await client.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1",
  );
  const parts = tables.rows.map(({ name }) => `SELECT '${name}' AS name, count(*)::int AS n FROM "${name}"`);
  parts.push(`SELECT 'audit_events:success' AS name, count(*)::int AS n FROM audit_events WHERE success`);
  const text = parts.join(" UNION ALL ");
  return {
    async counts() {
      const result = await client.query<{ name: string; n: number }>(text);
      return Object.fromEntries(result.rows.map((row) => [row.name, row.n]));
    },
    close: () => client.end(),
  };
}

/** Tables whose counts differ between `before` and `after`, outside `allowed`, as "table: a → b". */
export function changedTables(before: RowCounts, after: RowCounts, allowed: ReadonlySet<string>): string[] {
  return Object.keys(after)
    .filter((table) => before[table] !== after[table] && !allowed.has(table))
    .map((table) => `${table}: ${before[table]} → ${after[table]}`);
}
