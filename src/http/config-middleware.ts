// Parses the bindings into the typed Config before any route runs; a bad setting fails here, by name.
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../config/index.ts";
import type { AppEnv } from "./app-env.ts";
import { logger } from "./logger.ts";

// Problems already logged by this isolate: a bad route table is reported once, not on every request.
const reportedProblems = new Set<string>();

export function config() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const loaded = loadConfig(c.env);
    const problem = loaded.routeTableProblem;
    if (problem !== undefined && !reportedProblems.has(problem)) {
      reportedProblems.add(problem);
      // The problem names the entry and field, never a value, so it is safe to log.
      logger.error("route table invalid; the gateway answers 500 until it is fixed", { detail: problem });
    }
    c.set("config", loaded);
    await next();
  });
}
