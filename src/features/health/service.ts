// Health of the gateway's dependencies: a one-row database round trip (bounded in time) and a KV read.
import type { Database } from "../../db/client.ts";
import { probeKv } from "../../kv/probe.ts";

export type DatabaseHealth = { ok: true; latencyMs: number } | { ok: false; reason: "timeout" | "unreachable" };
export type RouteTableHealth = { ok: true } | { ok: false; reason: string };
export type Health = { status: "ok" | "degraded"; db: DatabaseHealth; kv: { ok: boolean }; routes: RouteTableHealth };

export type HealthCheckOptions = {
  openDatabase: () => Database;
  kv: KVNamespace;
  timeoutMs: number;
  /** Why the route table is unusable (names the entry, never a value); undefined when it is fine. */
  routeTableProblem: string | undefined;
  /** Milliseconds clock; injected so latency is measurable in tests. @default performance.now */
  now?: () => number;
};

async function checkDatabase(options: HealthCheckOptions): Promise<DatabaseHealth> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const query = options.openDatabase().$queryRaw`SELECT 1`
    .then(() => "ok" as const)
    .catch(() => "unreachable" as const);
  const timeout = new Promise<"timeout">((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
    void query.finally(() => clearTimeout(timer));
  });
  const outcome = await Promise.race([query, timeout]);
  if (outcome !== "ok") return { ok: false, reason: outcome };
  return { ok: true, latencyMs: Math.round((now() - started) * 10) / 10 };
}

/** Checks the database and KV in parallel; `status` is "ok" only when both answer and the route table is usable. */
export async function checkHealth(options: HealthCheckOptions): Promise<Health> {
  const [db, kvOk] = await Promise.all([checkDatabase(options), probeKv(options.kv)]);
  const routes: RouteTableHealth =
    options.routeTableProblem === undefined ? { ok: true } : { ok: false, reason: options.routeTableProblem };
  return { status: db.ok && kvOk && routes.ok ? "ok" : "degraded", db, kv: { ok: kvOk }, routes };
}
