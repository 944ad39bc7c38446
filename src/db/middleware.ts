// Hono middleware that gives each request its own database scope (one connection, opened on first
// use) and closes it afterwards, after any work the route deferred past the response.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/app-env.ts";
import { logger } from "../http/logger.ts";
import { openDatabaseScope } from "./client.ts";

export function database() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const scope = openDatabaseScope(c.var.config);
    const deferred: Array<() => Promise<unknown>> = [];
    c.set("db", () => scope.db);
    c.set("defer", (work) => {
      deferred.push(work);
    });
    const runDeferred = async () => {
      // In order, since they share one connection; a failure does not stop the rest.
      for (const work of deferred) {
        try {
          await work();
        } catch (error) {
          logger.error("deferred work failed", { requestId: c.var.requestId, error: String(error) });
        }
      }
    };
    try {
      await scope.run(next);
    } finally {
      c.executionCtx.waitUntil(scope.run(runDeferred).finally(scope.close));
    }
  });
}
