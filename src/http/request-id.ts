// Gives every request a fresh id, sent back as X-Request-Id and written into every log line.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env.ts";

export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * Always generates the id: a client-chosen one would let a caller forge or collide log entries.
 */
export function requestId() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    c.header(REQUEST_ID_HEADER, id);
    await next();
  });
}
