// The Hono environment every route and middleware shares: bindings and per-request variables.
import type { Bindings, Config } from "../config/index.ts";
import type { PrismaClient } from "../db/generated/client.ts";

export type AppEnv = {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    config: Config;
    /** Opens the request's PrismaClient on first call; it is closed after the response via waitUntil. */
    db: () => PrismaClient;
  };
};
