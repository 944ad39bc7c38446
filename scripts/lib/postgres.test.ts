// The embedded PostgreSQL starts from a checkout the `postgres` user cannot enter (issue 10: as root,
// a checkout under a 0700 folder failed with a bare `spawn …/initdb EACCES`).
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClient } from "./databases.ts";
import { STATEMENT_TRACKING_SETTINGS } from "./dev-settings.ts";
import { findFreePort } from "./free-port.ts";
import { startLocalPostgres } from "./postgres.ts";
import { platformBinaries, postgresAccount, reachableBinaries, reachableDataDir } from "./postgres-access.ts";

let closed: string;
beforeAll(async () => {
  // mkdtemp makes the folder 0700: as root, nobody but root may enter it.
  closed = await mkdtemp(join(tmpdir(), "portcullis-closed-"));
});
afterAll(() => rm(closed, { recursive: true, force: true }));

describe("local PostgreSQL in a folder the postgres user cannot enter", () => {
  it("runs binaries installed there from a private copy the postgres user can reach", async () => {
    const installed = await platformBinaries();
    const bundle = join(closed, "node_modules", "native");
    await cp(dirname(dirname(installed.initdb)), bundle, { recursive: true, verbatimSymlinks: true });
    const account = postgresAccount();
    const binaries = await reachableBinaries(account, {
      initdb: join(bundle, "bin", "initdb"),
      postgres: join(bundle, "bin", "postgres"),
    });
    try {
      if (userInfo().uid === 0) expect(binaries.initdb.startsWith(closed)).toBe(false);
      const version = spawnSync(binaries.initdb, ["--version"], { ...account, encoding: "utf8" });
      expect(version.error).toBeUndefined();
      expect(version.stdout).toMatch(/initdb \(PostgreSQL\) \d+/);
    } finally {
      await binaries.release();
    }
    // The private copy is gone once released.
    if (userInfo().uid === 0) await expect(stat(dirname(dirname(binaries.initdb)))).rejects.toThrow();
  });

  it("keeps the data where the postgres user can reach it, starts with the settings given (an extension's too), serves queries and stops", async () => {
    const wanted = join(closed, "checkout", ".data", "postgres");
    const port = await findFreePort();
    await expect(startLocalPostgres({ dataDir: wanted, port, settings: { "fsync=off -c x": "on" } })).rejects.toThrow(
      "not a PostgreSQL setting name",
    );
    const settings = { fsync: "off", ...STATEMENT_TRACKING_SETTINGS };
    const server = await startLocalPostgres({ dataDir: wanted, port, settings });
    try {
      if (userInfo().uid === 0) expect(server.dataDir).toMatch(/^\/var\/tmp\/portcullis-[0-9a-f]{16}\/postgres$/);
      else expect(server.dataDir).toBe(wanted);
      const rows = await withClient(server.urlFor("postgres"), (client) =>
        client.query("SELECT 1 AS one, current_setting('fsync') AS fsync"),
      );
      expect(rows.rows).toEqual([{ one: 1, fsync: "off" }]);
      // The bench's statement counts (PORTCULLIS_PG_STATEMENTS=1): the shipped binaries load the extension.
      const tracked = await withClient(server.urlFor("postgres"), async (client) => {
        await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        await client.query("BEGIN");
        await client.query("COMMIT");
        return client.query("SELECT calls::int FROM pg_stat_statements WHERE query = 'COMMIT'");
      });
      expect(tracked.rows).toEqual([{ calls: 1 }]);
    } finally {
      await server.stop();
    }
    // The same folder is chosen again next time, so `npm run dev` keeps its data across runs.
    expect(await reachableDataDir(postgresAccount(), wanted)).toBe(server.dataDir);
    if (server.dataDir !== wanted) await rm(dirname(server.dataDir), { recursive: true, force: true });
  });
});
