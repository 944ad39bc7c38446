// Hono middleware that gives routes a lazily opened, per-request database and closes it afterwards.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/app-env.ts";
import { closeDatabase, type Database, openDatabase } from "./client.ts";

export function database() {
  return createMiddleware<AppEnv>(async (c, next) => {
    let db: Database | undefined;
    c.set("db", () => {
      db ??= openDatabase(c.var.config);
      return db;
    });
    try {
      await next();
    } finally {
      if (db) c.executionCtx.waitUntil(closeDatabase(db));
    }
  });
}
