// Parses the bindings into the typed Config before any route runs; a bad setting fails here, by name.
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../config/index.ts";
import type { AppEnv } from "./app-env.ts";

export function config() {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("config", loadConfig(c.env));
    await next();
  });
}
