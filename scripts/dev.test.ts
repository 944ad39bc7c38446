// Runs `npm run dev`'s orchestrator for real: embedded PostgreSQL, migrations, relay and wrangler dev.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClient } from "./lib/databases.ts";
import { type DevProcess, spawnDev, waitForGateway } from "./lib/dev-process.ts";
import { findFreePort } from "./lib/free-port.ts";

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "portcullis-dev-"));
  await chmod(dataDir, 0o755);
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const startDev = (env: Record<string, string>) => spawnDev({ PORTCULLIS_DATA_DIR: dataDir, ...env });
const waitForHealth = (port: number, dev: DevProcess) => waitForGateway(port, dev);

const portIsClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });

describe("npm run dev", () => {
  it("serves /healthz against the embedded database, stops everything on SIGINT, and keeps the data for the next run", async () => {
    const [pgPort, port] = await Promise.all([findFreePort(), findFreePort()]);
    const env = { PORTCULLIS_PG_PORT: String(pgPort), PORT: String(port) };

    const first = startDev(env);
    const health = await waitForHealth(port, first);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", db: { ok: true }, kv: { ok: true } });
    expect(first.output()).toContain("applied migrations: ");
    const url = `postgres://postgres:postgres@127.0.0.1:${pgPort}/portcullis`;
    await withClient(url, (client) =>
      client.query("INSERT INTO users (id, email, updated_at) VALUES (gen_random_uuid(), 'kept@example.com', now())"),
    );

    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    await expect.poll(() => portIsClosed(pgPort), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => portIsClosed(port), { timeout: 10_000 }).toBe(true);

    const second = startDev(env);
    expect((await waitForHealth(port, second)).status).toBe(200);
    expect(second.output()).toContain("database is up to date");
    const rows = await withClient(url, async (client) => (await client.query("SELECT email FROM users")).rows);
    expect(rows).toEqual([{ email: "kept@example.com" }]);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    await expect.poll(() => portIsClosed(pgPort), { timeout: 10_000 }).toBe(true);
  }, 120_000);

  it("explains a PostgreSQL port that is already taken, without a stack trace", async () => {
    const blocker = createServer();
    const pgPort = await findFreePort();
    await new Promise<void>((resolve) => blocker.listen(pgPort, "127.0.0.1", resolve));
    try {
      const run = startDev({ PORTCULLIS_PG_PORT: String(pgPort), PORT: String(await findFreePort()) });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`port ${pgPort} is already in use`);
      expect(run.output()).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);

  it("explains a data folder that a running server holds, and recovers from a stale postmaster.pid", async () => {
    const env = { PORTCULLIS_PG_PORT: String(await findFreePort()), PORT: String(await findFreePort()) };
    const holder = startDev(env);
    await waitForHealth(Number(env.PORT), holder);

    const rival = startDev({ PORTCULLIS_PG_PORT: String(await findFreePort()), PORT: String(await findFreePort()) });
    expect(await rival.exited).toBe(1);
    expect(rival.output()).toContain("another PostgreSQL is already running on");
    expect(rival.output()).not.toMatch(/\n\s+at /);

    holder.child.kill("SIGINT");
    expect(await holder.exited).toBe(0);
    // A lock file left by a crashed server (its shared memory is gone) must not block the next start.
    await writeFile(join(dataDir, "postgres", "postmaster.pid"), "999999\n/nowhere\n");
    const next = startDev(env);
    expect((await waitForHealth(Number(env.PORT), next)).status).toBe(200);
    next.child.kill("SIGINT");
    expect(await next.exited).toBe(0);
  }, 120_000);

  it("refuses an invalid port setting with the variable's name", async () => {
    const run = startDev({ PORT: "not-a-port" });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("PORT must be a port number between 1 and 65535");
  });
});
