// GET /healthz: 200 when the database and KV answer and the route table is usable, 503 otherwise (never cached).
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { describe } from "../../http/openapi/describe.ts";
import { HealthResponse } from "./schemas.ts";
import { checkHealth } from "./service.ts";

const healthOperation = describe({
  operationId: "getHealth",
  tag: "health",
  summary: "Whether the database, KV and the route table are usable",
  responses: {
    200: HealthResponse,
    503: { description: "A dependency is down or the route table is unusable.", schema: HealthResponse },
  },
});

export const healthRoutes = new Hono<AppEnv>().get("/healthz", healthOperation, async (c) => {
  const health = await checkHealth({
    openDatabase: c.var.db,
    kv: c.var.config.kv,
    timeoutMs: c.var.config.healthDbTimeoutMs,
    routeTableProblem: c.var.config.routeTableProblem,
  });
  c.header("Cache-Control", "no-store");
  return c.json(health, health.status === "ok" ? 200 : 503);
});
