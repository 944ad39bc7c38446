// Hono middleware that gives routes a lazily opened, per-request database and closes it afterwards,
// after any work the route deferred past the response.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/app-env.ts";
import { closeDatabase, type Database, openDatabase } from "./client.ts";

export function database() {
  return createMiddleware<AppEnv>(async (c, next) => {
    let db: Database | undefined;
    const deferred: Promise<unknown>[] = [];
    c.set("db", () => {
      db ??= openDatabase(c.var.config);
      return db;
    });
    c.set("defer", (work) => {
      deferred.push(work);
    });
    try {
      await next();
    } finally {
      const opened = () => db;
      if (deferred.length > 0 || db) {
        c.executionCtx.waitUntil(
          Promise.allSettled(deferred).then(async () => {
            const client = opened();
            if (client) await closeDatabase(client);
          }),
        );
      }
    }
  });
}
