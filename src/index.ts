// The Worker's entry point: HTTP requests, and the cron-triggered cleanup.
import { createApp } from "./app.ts";
import { type Bindings, loadConfig } from "./config/index.ts";
import { closeDatabase, openDatabase } from "./db/client.ts";
import { purgeExpired } from "./features/cleanup/service.ts";
import { logger } from "./http/logger.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const config = loadConfig(env);
    const db = openDatabase(config);
    try {
      const report = await purgeExpired(db, { now: new Date(), lockoutFailures: config.lockoutFailures });
      logger.info("cleanup finished", report);
    } finally {
      ctx.waitUntil(closeDatabase(db));
    }
  },
} satisfies ExportedHandler<Bindings>;
