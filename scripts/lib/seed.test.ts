import { describe, expect, it } from "vitest";
import { createEmptyDatabase } from "../../test/node/fixtures.ts";
import { withClient } from "./databases.ts";
import { migrate } from "./migrate.ts";
import { paths } from "./paths.ts";
import { parseSeedRoles, seedDatabase } from "./seed.ts";

describe("npm run db:seed", () => {
  it("adds the built-in catalogue once; a second run changes nothing", async () => {
    const url = await createEmptyDatabase();
    await withClient(url, async (client) => {
      await migrate(client, paths.migrations);
      expect((await seedDatabase(client)).inserted).toEqual(["CUSTOMER", "OWNER", "PLATFORM_ADMIN", "STAFF"]);
      const before = (await client.query("SELECT key, scope, description, created_at FROM roles ORDER BY key")).rows;
      expect((await seedDatabase(client)).inserted).toEqual([]);
      const after = (await client.query("SELECT key, scope, description, created_at FROM roles ORDER BY key")).rows;
      expect(after).toEqual(before);
      expect(after.map((row) => [row.key, row.scope])).toEqual([
        ["CUSTOMER", "TENANT"],
        ["OWNER", "TENANT"],
        ["PLATFORM_ADMIN", "PLATFORM"],
        ["STAFF", "TENANT"],
      ]);
    });
  });

  it("adds operator roles from SEED_ROLES and leaves an operator's edited description alone", async () => {
    const url = await createEmptyDatabase();
    await withClient(url, async (client) => {
      await migrate(client, paths.migrations);
      const extra = parseSeedRoles('[{"key":"BILLING","scope":"TENANT","description":"Pays"}]');
      expect((await seedDatabase(client, extra)).inserted).toContain("BILLING");
      await client.query("UPDATE roles SET description = 'edited' WHERE key = 'OWNER'");
      expect((await seedDatabase(client, extra)).inserted).toEqual([]);
      const owner = await client.query("SELECT description FROM roles WHERE key = 'OWNER'");
      expect(owner.rows[0]?.description).toBe("edited");
    });
  });

  it("refuses SEED_ROLES that are not JSON or name a bad key or scope", () => {
    expect(() => parseSeedRoles("{")).toThrow("SEED_ROLES is not valid JSON");
    expect(() => parseSeedRoles('[{"key":"billing","scope":"TENANT"}]')).toThrow(/upper snake case/);
    expect(() => parseSeedRoles('[{"key":"BILLING","scope":"GLOBAL"}]')).toThrow(/scope/);
  });
});
