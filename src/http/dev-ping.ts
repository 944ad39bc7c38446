// GET /dev/ping: development only, 204 before any other middleware runs, so a benchmark can measure what
// `wrangler dev` itself costs per request. Elsewhere the request goes on and ends as a 404 like any other.
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../config/index.ts";
import type { AppEnv } from "./app-env.ts";

export const DEV_PING_PATH = "/dev/ping";

export function devPing() {
  return createMiddleware<AppEnv>(async (c, next) => {
    // loadConfig is cached per bindings object: after the first request this is a lookup.
    if (c.req.method === "GET" && loadConfig(c.env).environment === "development") return c.body(null, 204);
    await next();
  });
}
