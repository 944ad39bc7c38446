// The database path itself: the generated client over the Neon adapter, against a per-file database.
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, sql } from "../../test/helpers/database.ts";
import { testEnv } from "../../test/helpers/env.ts";
import { type Database, withDatabase } from "./client.ts";

let databaseUrl: string;
beforeAll(async () => {
  databaseUrl = await createTestDatabase();
});

const inScope = (use: (db: Database) => Promise<void>) =>
  withDatabase({ databaseUrl, neonLocalRelay: testEnv.NEON_LOCAL_RELAY }, use);

describe("database client", () => {
  it("writes and reads through Prisma and the Neon adapter, with UUIDv7 ids", async () => {
    await inScope(async (db) => {
      const user = await db.user.create({ data: { email: "reader@example.com" } });
      // Version nibble 7 (RFC 9562): ids sort by creation time.
      expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const found = await db.user.findUnique({ where: { email: "reader@example.com" } });
      expect(found?.id).toBe(user.id);
    });
  });

  it("refuses a second user with the same email", async () => {
    await inScope(async (db) => {
      await db.user.create({ data: { email: "twice@example.com" } });
      await expect(db.user.create({ data: { email: "twice@example.com" } })).rejects.toMatchObject({ code: "P2002" });
      const rows = await sql(databaseUrl, "SELECT count(*)::int AS n FROM users WHERE email = $1", [
        "twice@example.com",
      ]);
      expect(rows).toEqual([{ n: 1 }]);
    });
  });

  it("keeps audit history when its user is deleted (user set to null)", async () => {
    await inScope(async (db) => {
      const user = await db.user.create({ data: { email: "leaver@example.com" } });
      const event = await db.auditEvent.create({
        data: { userId: user.id, action: "user.created", success: true, metadata: { via: "test" } },
      });
      await db.user.delete({ where: { id: user.id } });
      const kept = await db.auditEvent.findUniqueOrThrow({ where: { id: event.id } });
      expect(kept).toMatchObject({ userId: null, action: "user.created", success: true, metadata: { via: "test" } });
    });
  });

  it("gives every test file its own database cloned from the migrated template", async () => {
    const other = await createTestDatabase();
    await sql(
      other,
      "INSERT INTO users (id, email, updated_at) VALUES (gen_random_uuid(), 'only-there@example.com', now())",
    );
    expect(await sql(databaseUrl, "SELECT email FROM users WHERE email = 'only-there@example.com'")).toEqual([]);
    expect(
      await sql(other, "SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL"),
    ).not.toEqual([{ n: 0 }]);
  });
});
