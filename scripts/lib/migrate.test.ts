import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copyMigrations, createEmptyDatabase } from "../../test/node/fixtures.ts";
import { withClient } from "./databases.ts";
import { checksumMigration, MigrationError, migrate, readMigrations } from "./migrate.ts";

type Row = {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  logs: string | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
};

const historyOf = (url: string) =>
  withClient(
    url,
    async (client) => (await client.query<Row>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)).rows,
  );

const tablesOf = (url: string) =>
  withClient(url, async (client) =>
    (
      await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      )
    ).rows.map((row) => row.tablename),
  );

describe("db:migrate", () => {
  it("applies every migration to a fresh database and records it as Prisma does", async () => {
    const url = await createEmptyDatabase();
    const dir = await copyMigrations();
    const files = await readMigrations(dir);

    const result = await withClient(url, (client) => migrate(client, dir));

    expect(result.applied).toEqual(files.map((file) => file.name));
    expect(await tablesOf(url)).toEqual(expect.arrayContaining(["_prisma_migrations", "users", "audit_events"]));
    const history = await historyOf(url);
    expect(history).toHaveLength(files.length);
    for (const [index, row] of history.entries()) {
      const file = files[index];
      expect(row.migration_name).toBe(file?.name);
      // Prisma's checksum is the lowercase hex SHA-256 of the file's bytes.
      expect(row.checksum).toBe(
        checksumMigration(await readFile(join(dir, row.migration_name, "migration.sql"), "utf8")),
      );
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("is idempotent: a second run applies nothing and changes nothing", async () => {
    const url = await createEmptyDatabase();
    const dir = await copyMigrations();
    await withClient(url, (client) => migrate(client, dir));
    const before = await historyOf(url);

    const again = await withClient(url, (client) => migrate(client, dir));

    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(before.map((row) => row.migration_name));
    expect(await historyOf(url)).toEqual(before);
  });

  it("applies only the new migration when one is added", async () => {
    const url = await createEmptyDatabase();
    const dir = await copyMigrations();
    await withClient(url, (client) => migrate(client, dir));
    await mkdir(join(dir, "29990101000000_add_notes"));
    await writeFile(
      join(dir, "29990101000000_add_notes", "migration.sql"),
      'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\n',
    );

    const result = await withClient(url, (client) => migrate(client, dir));

    expect(result.applied).toEqual(["29990101000000_add_notes"]);
    expect(await tablesOf(url)).toContain("notes");
  });

  it("refuses to run when an applied migration's file was edited, and changes nothing", async () => {
    const url = await createEmptyDatabase();
    const dir = await copyMigrations();
    await withClient(url, (client) => migrate(client, dir));
    const [first] = await readMigrations(dir);
    const file = join(dir, first?.name ?? "", "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- edited\n`);
    await mkdir(join(dir, "29990101000000_add_notes"));
    await writeFile(
      join(dir, "29990101000000_add_notes", "migration.sql"),
      'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\n',
    );
    const before = await historyOf(url);

    const run = withClient(url, (client) => migrate(client, dir));

    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toThrow(`migration ${first?.name} was edited after it was applied`);
    expect(await historyOf(url)).toEqual(before);
    expect(await tablesOf(url)).not.toContain("notes");
  });

  it("refuses to run when an applied migration is missing from the folder", async () => {
    const url = await createEmptyDatabase();
    const dir = await copyMigrations();
    await mkdir(join(dir, "29990101000000_add_notes"));
    await writeFile(
      join(dir, "29990101000000_add_notes", "migration.sql"),
      'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\n',
    );
    await withClient(url, (client) => migrate(client, dir));
    await rm(join(dir, "29990101000000_add_notes"), { recursive: true });

    await expect(withClient(url, (client) => migrate(client, dir))).rejects.toThrow(
      "migration 29990101000000_add_notes is applied in the database but missing from the migrations folder",
    );
  });

  it("rolls a failing migration back whole, records nothing for it, and reports which one failed", async () => {
    const url = await createEmptyDatabase();
    const dir = await copyMigrations();
    await withClient(url, (client) => migrate(client, dir));
    const before = await historyOf(url);
    await mkdir(join(dir, "29990101000000_broken"));
    // The first statement succeeds; the second fails. Neither may remain.
    await writeFile(
      join(dir, "29990101000000_broken", "migration.sql"),
      'CREATE TABLE "half_done" ("id" INTEGER PRIMARY KEY);\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n',
    );

    const run = withClient(url, (client) => migrate(client, dir));

    await expect(run).rejects.toThrow(/migration 29990101000000_broken failed and was rolled back: .*no_such_table/);
    expect(await tablesOf(url)).not.toContain("half_done");
    expect(await historyOf(url)).toEqual(before);
  });

  it("refuses to continue past a migration another tool left unfinished", async () => {
    const url = await createEmptyDatabase();
    const dir = await copyMigrations();
    await withClient(url, (client) => migrate(client, dir));
    await withClient(url, (client) =>
      client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES (gen_random_uuid(), repeat('0', 64), '29990101000000_crashed', now(), 0)`,
      ),
    );

    await expect(withClient(url, (client) => migrate(client, dir))).rejects.toThrow(
      "migration 29990101000000_crashed started but never finished",
    );
  });
});
