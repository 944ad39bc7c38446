// One connection per request, never shared: what the isolate-wide Prisma clients must keep true.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, sql } from "../../test/helpers/database.ts";
import { testEnv } from "../../test/helpers/env.ts";
import { loadConfig } from "../config/index.ts";
import type { AppEnv } from "../http/app-env.ts";
import { handleError } from "../http/error-handler.ts";
import { requestId } from "../http/request-id.ts";
import type { Database } from "./client.ts";
import { database } from "./middleware.ts";

let databaseUrl: string;
beforeAll(async () => {
  databaseUrl = await createTestDatabase();
});

type Pid = { pid: number };
const backendPid = async (db: Database, holdSeconds = 0) =>
  (await db.$queryRaw<Pid[]>`SELECT pg_backend_pid() AS pid, pg_sleep(${holdSeconds})::text AS slept`)[0]?.pid ?? -1;

/** What each request saw, by name: the backend pids its queries ran on. */
const seen = new Map<string, number[]>();
const note = (name: string, pid: number) => seen.set(name, [...(seen.get(name) ?? []), pid]);
let keptDb: Database | undefined;

function testApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    c.set("config", loadConfig({ ...testEnv, DATABASE_URL: databaseUrl }));
    await next();
  });
  app.use(database());
  app.get("/parallel/:name", async (c) => {
    const db = c.var.db();
    const pids = await Promise.all([backendPid(db, 0.2), backendPid(db), backendPid(db)]);
    for (const pid of pids) note(c.req.param("name"), pid);
    return c.json({ pids });
  });
  app.get("/fails/:name", async (c) => {
    note(c.req.param("name"), await backendPid(c.var.db()));
    throw new Error("route failed after a query");
  });
  app.get("/defers/:name", async (c) => {
    const db = c.var.db();
    note(c.req.param("name"), await backendPid(db));
    const name = c.req.param("name");
    c.var.defer(async () => note(name, await backendPid(db, 0.2)));
    return c.body(null, 204);
  });
  app.get("/defers-failing/:name", async (c) => {
    const db = c.var.db();
    const name = c.req.param("name");
    note(name, await backendPid(db));
    c.var.defer(async () => {
      note(name, await backendPid(db));
      throw new Error("deferred work failed on purpose");
    });
    c.var.defer(async () => note(name, await backendPid(db)));
    return c.body(null, 204);
  });
  app.get("/keeps/:name", async (c) => {
    keptDb = c.var.db();
    note(c.req.param("name"), await backendPid(keptDb));
    return c.body(null, 204);
  });
  app.get("/no-database", (c) => c.body(null, 204));
  app.onError(handleError);
  return app;
}

async function call(path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await testApp().fetch(new Request(`http://gateway.test${path}`), testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Backends of `pids` still connected (a closed socket's backend exits shortly after). */
async function stillConnected(pids: number[]): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const [row] = await sql<{ n: number }>(
      databaseUrl,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])",
      [pids],
    );
    if (row?.n === 0 || attempt === 40) return row?.n ?? -1;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("database scopes", () => {
  it("runs every query of a request, even parallel ones, on one connection, and closes it after the response", async () => {
    expect((await call("/parallel/solo")).status).toBe(200);
    const pids = seen.get("solo") ?? [];
    expect(pids).toHaveLength(3);
    expect(new Set(pids).size).toBe(1);
    expect(await stillConnected(pids)).toBe(0);
  });

  it("never lets two concurrent requests share a connection", async () => {
    const names = ["a", "b", "c", "d"];
    const responses = await Promise.all(names.map((name) => call(`/parallel/${name}`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const perRequest = names.map((name) => new Set(seen.get(name)));
    for (const pids of perRequest) expect(pids.size).toBe(1);
    const all = perRequest.flatMap((pids) => [...pids]);
    expect(new Set(all).size).toBe(names.length);
    expect(await stillConnected(all)).toBe(0);
  });

  it("closes the connection after a route that throws", async () => {
    const response = await call("/fails/thrower");
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: "internal_error" } });
    const pids = seen.get("thrower") ?? [];
    expect(pids).toHaveLength(1);
    expect(await stillConnected(pids)).toBe(0);
  });

  it("keeps the connection for deferred work, on the same connection, and closes it when that ends", async () => {
    expect((await call("/defers/later")).status).toBe(204);
    const pids = seen.get("later") ?? [];
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(1);
    expect(await stillConnected(pids)).toBe(0);
  });

  it("answers as planned when deferred work fails, still runs the work after it, then closes the connection", async () => {
    expect((await call("/defers-failing/unlucky")).status).toBe(204);
    const pids = seen.get("unlucky") ?? [];
    expect(pids).toHaveLength(3);
    expect(new Set(pids).size).toBe(1);
    expect(await stillConnected(pids)).toBe(0);
  });

  it("refuses a client kept past its request instead of using a connection that is not its own", async () => {
    expect((await call("/keeps/stale")).status).toBe(204);
    await expect(keptDb?.$queryRawUnsafe("SELECT 1")).rejects.toThrow(/scope ended|another scope/);
    expect(seen.get("stale")).toHaveLength(1);
  });

  it("opens no connection for a request that never queries", async () => {
    const [before] = await sql<{ n: number }>(
      databaseUrl,
      "SELECT sessions::int AS n FROM pg_stat_database WHERE datname = current_database()",
    );
    expect((await call("/no-database")).status).toBe(204);
    const [after] = await sql<{ n: number }>(
      databaseUrl,
      "SELECT sessions::int AS n FROM pg_stat_database WHERE datname = current_database()",
    );
    // The two reads are themselves one session each.
    expect((after?.n ?? 0) - (before?.n ?? 0)).toBe(1);
  });
});
