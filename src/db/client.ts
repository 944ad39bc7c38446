// The Worker's only database path: PrismaClients built once per isolate and lent to one scope (a
// request, a job) at a time, each scope on its own connection.
import { AsyncLocalStorage } from "node:async_hooks";
import { PrismaNeon } from "@prisma/adapter-neon";
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { Config } from "../config/index.ts";
import { logger } from "../http/logger.ts";
import { PrismaClient } from "./generated/client.ts";
import { useLocalRelay } from "./neon-local.ts";

export type Database = PrismaClient;
type DatabaseSettings = Pick<Config, "databaseUrl" | "neonLocalRelay">;

type Scope = { databaseUrl: string; connection?: Promise<SqlDriverAdapter>; ended: boolean };

/** Which scope a client is lent to, if any. */
type Slot = { scope?: Scope };
type Lease = { slot: Slot; client: PrismaClient };

const NEON_ADAPTER = "@prisma/adapter-neon";
/** Idle clients kept for reuse; more concurrent scopes build extra clients that are dropped after. */
const MAX_IDLE_CLIENTS = 8;

const currentScope = new AsyncLocalStorage<Scope>();
const idle: Lease[] = [];

/**
 * The lease's scope's connection: a Neon pool of one, opened on first use. A Worker may not touch one
 * request's socket from another, so a query from any other scope (a reference kept past its request,
 * say) is refused rather than run on a connection that is not its own.
 */
function connectionOf(slot: Slot): Promise<SqlDriverAdapter> {
  const scope = slot.scope;
  if (!scope || scope.ended) return Promise.reject(new Error("database used after its scope ended"));
  if (currentScope.getStore() !== scope) return Promise.reject(new Error("database used from another scope"));
  scope.connection ??= new PrismaNeon({ connectionString: scope.databaseUrl, max: 1 }).connect();
  return scope.connection;
}

/**
 * Prisma's public adapter interface, delegating to the lease's current connection. One client serves
 * one scope at a time because Prisma batches same-tick `findUnique` calls into one query: with a
 * client shared by concurrent requests, one request's lookup could run on another's connection.
 */
function leasedAdapterFactory(slot: Slot): SqlDriverAdapterFactory {
  const adapter: SqlDriverAdapter = {
    provider: "postgres",
    adapterName: NEON_ADAPTER,
    queryRaw: async (query) => (await connectionOf(slot)).queryRaw(query),
    executeRaw: async (query) => (await connectionOf(slot)).executeRaw(query),
    executeScript: async (script) => (await connectionOf(slot)).executeScript(script),
    startTransaction: async (isolationLevel) => (await connectionOf(slot)).startTransaction(isolationLevel),
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    // Clients live as long as the isolate; each scope closes its own connection.
    dispose: async () => undefined,
  };
  return { provider: "postgres", adapterName: NEON_ADAPTER, connect: async () => adapter };
}

/** An idle client, or a new one: its query compiler parses the schema once, not once per request. */
function borrow(scope: Scope): Lease {
  let lease = idle.pop();
  if (!lease) {
    const slot: Slot = {};
    lease = { slot, client: new PrismaClient({ adapter: leasedAdapterFactory(slot) }) };
  }
  lease.slot.scope = scope;
  return lease;
}

function giveBack(lease: Lease): void {
  lease.slot.scope = undefined;
  if (idle.length < MAX_IDLE_CLIENTS) idle.push(lease);
}

export type DatabaseScope = {
  db: Database;
  /** Runs `work` (and everything it starts) as this scope. */
  run<T>(work: () => T): T;
  /** Closes the connection, if one was opened, and returns the client; later use fails. */
  close(): Promise<void>;
};

export function openDatabaseScope(settings: DatabaseSettings): DatabaseScope {
  if (settings.neonLocalRelay) useLocalRelay(settings.neonLocalRelay);
  const scope: Scope = { databaseUrl: settings.databaseUrl, ended: false };
  const lease = borrow(scope);
  return {
    db: lease.client,
    run: (work) => currentScope.run(scope, work),
    close: async () => {
      if (scope.ended) return;
      scope.ended = true;
      try {
        if (scope.connection) await (await scope.connection).dispose();
      } catch (error) {
        logger.warn("database connection did not close cleanly", { error: String(error) });
      } finally {
        giveBack(lease);
      }
    },
  };
}

/** Runs `use` in its own database scope and closes the connection afterwards (jobs, tests). */
export async function withDatabase<T>(settings: DatabaseSettings, use: (db: Database) => Promise<T>): Promise<T> {
  const scope = openDatabaseScope(settings);
  try {
    return await scope.run(() => use(scope.db));
  } finally {
    await scope.close();
  }
}
