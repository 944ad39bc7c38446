// GET /healthz: 200 when the database and KV answer and the route table is usable, 503 otherwise (never cached).
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { checkHealth } from "./service.ts";

export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
  const health = await checkHealth({
    openDatabase: c.var.db,
    kv: c.var.config.kv,
    timeoutMs: c.var.config.healthDbTimeoutMs,
    routeTableProblem: c.var.config.routeTableProblem,
  });
  c.header("Cache-Control", "no-store");
  return c.json(health, health.status === "ok" ? 200 : 503);
});
