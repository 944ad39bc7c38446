import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copyMigrations, createEmptyDatabase } from "../../test/node/fixtures.ts";
import { withClient } from "./databases.ts";
import { findSchemaDrift } from "./drift.ts";
import { migrate, readMigrations } from "./migrate.ts";
import { paths } from "./paths.ts";

async function migratedDatabase(editSql?: (sql: string) => string): Promise<string> {
  const url = await createEmptyDatabase();
  const dir = await copyMigrations();
  if (editSql) {
    const [first] = await readMigrations(dir);
    const file = join(dir, first?.name ?? "", "migration.sql");
    await writeFile(file, editSql(await readFile(file, "utf8")));
  }
  await withClient(url, (client) => migrate(client, dir));
  return url;
}

const driftOf = (url: string) => withClient(url, (client) => findSchemaDrift(client, paths.schema));

describe("schema drift", () => {
  it("finds no difference between schema.prisma and a database built from the migrations", async () => {
    const differences = await driftOf(await migratedDatabase());
    expect(differences, `schema.prisma and the migrations disagree:\n${differences.join("\n")}`).toEqual([]);
  });

  it("reports a column that a migration forgot", async () => {
    const url = await migratedDatabase((sql) => sql.replace(/\s*"user_agent" TEXT,/, ""));
    expect(await driftOf(url)).toEqual(["table audit_events: column user_agent is missing"]);
  });

  it("reports wrong types, nullability and defaults", async () => {
    const url = await migratedDatabase((sql) =>
      sql
        .replace('"action" TEXT NOT NULL', '"action" VARCHAR(20) NOT NULL')
        .replace('"success" BOOLEAN NOT NULL', '"success" BOOLEAN')
        .replace(`"metadata" JSONB NOT NULL DEFAULT '{}'`, `"metadata" JSONB NOT NULL DEFAULT '[]'`),
    );
    expect(await driftOf(url)).toEqual([
      "table audit_events: column action has type character varying(20), schema says text",
      "table audit_events: column success is nullable, schema says NOT NULL",
      "table audit_events: column metadata has default [], schema says {}",
    ]);
  });

  it("reports missing indexes and a foreign key with the wrong ON DELETE rule", async () => {
    const url = await migratedDatabase((sql) =>
      sql
        .replace('CREATE UNIQUE INDEX "users_email_key" ON "users"("email");', "")
        .replace("ON DELETE SET NULL", "ON DELETE CASCADE"),
    );
    expect(await driftOf(url)).toEqual([
      "table users: unique (email) is missing",
      "table audit_events: foreign key (user_id) → users(id) ON DELETE SET NULL is missing",
      "table audit_events: foreign key (user_id) → users(id) ON DELETE CASCADE is not in schema.prisma",
    ]);
  });

  it("reports tables, columns, indexes and enums the schema does not declare", async () => {
    const url = await migratedDatabase(
      (sql) =>
        `${sql}
CREATE TYPE "Mood" AS ENUM ('HAPPY');
CREATE TABLE "stray" ("id" INTEGER PRIMARY KEY);
ALTER TABLE "users" ADD COLUMN "nickname" TEXT;
CREATE INDEX "users_created_at_idx" ON "users"("created_at");
`,
    );
    expect(await driftOf(url)).toEqual([
      "table users: column nickname is not in schema.prisma",
      "table users: index (created_at) is not in schema.prisma",
      "table stray is not in schema.prisma",
      "enum Mood is not in schema.prisma",
    ]);
  });
});
