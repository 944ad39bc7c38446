// The Worker's entry point: HTTP requests, and the cron-triggered cleanup and key rotation.
import { createApp } from "./app.ts";
import { type Bindings, loadConfig } from "./config/index.ts";
import { deriveServerKeys } from "./crypto/server-keys.ts";
import { closeDatabase, openDatabase } from "./db/client.ts";
import { purgeExpired } from "./features/cleanup/service.ts";
import { resealStaleTotpSecrets } from "./features/mfa/rotation.ts";
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
      // After a new ENCRYPTION_KEYS version: secrets nobody used since are sealed again here.
      const serverKeys = await deriveServerKeys(config.authSecret, config.encryption);
      const rotation = await resealStaleTotpSecrets({ db, serverKeys });
      if (rotation.resealed > 0 || rotation.unreadable > 0) logger.info("totp secrets resealed", rotation);
    } finally {
      ctx.waitUntil(closeDatabase(db));
    }
  },
} satisfies ExportedHandler<Bindings>;
