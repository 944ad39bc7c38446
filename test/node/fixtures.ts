// Node-side test fixtures: empty databases on the test run's PostgreSQL, and scratch migration folders.
import { randomUUID } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, inject } from "vitest";
import { dropDatabase, ensureDatabase, withDatabase } from "../../scripts/lib/databases.ts";
import { paths } from "../../scripts/lib/paths.ts";

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A new empty database; dropped after the file's tests. */
export async function createEmptyDatabase(): Promise<string> {
  const admin = inject("pgAdminUrl");
  const name = `node_${randomUUID().replaceAll("-", "")}`;
  await ensureDatabase(admin, name);
  cleanups.push(() => dropDatabase(admin, name));
  return withDatabase(admin, name);
}

/** A copy of prisma/migrations in a scratch folder that a test may edit; removed afterwards. */
export async function copyMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "portcullis-migrations-"));
  await cp(paths.migrations, dir, { recursive: true });
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
