// Hono middleware that gives each request its own database scope (one connection, opened on first
// use) and closes it afterwards, after any work the route deferred past the response.
import { createMiddleware } from "hono/factory";
import { runDeferred } from "../http/after-response.ts";
import type { AppEnv } from "../http/app-env.ts";
import { openDatabaseScope } from "./client.ts";

export function database() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const scope = openDatabaseScope(c.var.config);
    const deferred: Array<() => Promise<unknown>> = [];
    c.set("db", () => scope.db);
    c.set("defer", (work) => {
      deferred.push(work);
    });
    // In order, since they share one connection; a failure does not stop the rest.
    const runAll = async () => {
      for (const work of deferred) await runDeferred(work, { requestId: c.var.requestId });
    };
    try {
      await scope.run(next);
    } finally {
      c.executionCtx.waitUntil(scope.run(runAll).finally(scope.close));
    }
  });
}
