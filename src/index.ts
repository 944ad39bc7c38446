// The Worker's entry point: HTTP requests, and the cron-triggered cleanup, scrub of deleted users and key rotation.
import { createApp } from "./app.ts";
import { type Bindings, loadConfig } from "./config/index.ts";
import { deriveServerKeys } from "./crypto/server-keys.ts";
import { withDatabase } from "./db/client.ts";
import { purgeExpired } from "./features/cleanup/service.ts";
import { scrubDeletedUsers } from "./features/lifecycle/service.ts";
import { resealStaleTotpSecrets } from "./features/mfa/rotation.ts";
import { purgeReadNotifications } from "./features/notifications/purge.ts";
import { logger } from "./http/logger.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, _ctx) {
    const config = loadConfig(env);
    await withDatabase(config, async (db) => {
      const report = await purgeExpired(db, {
        now: new Date(),
        lockoutFailures: config.lockoutFailures,
        deliveryLogRetentionDays: config.deliveryLogRetentionDays,
      });
      logger.info("cleanup finished", report);
      // issue 15: read notifications past NOTIFICATION_RETENTION_DAYS (bounded per run).
      const notifications = await purgeReadNotifications(db, {
        now: new Date(),
        retentionDays: config.notificationRetentionDays,
      });
      if (notifications > 0) logger.info("read notifications purged", { notifications });
      // Deleted accounts past DELETED_USER_RETENTION_DAYS lose their personal data (bounded per run).
      const scrub = await scrubDeletedUsers({ db, kv: config.kv, settings: config, now: new Date() });
      if (scrub.scrubbed > 0) logger.info("deleted users scrubbed", scrub);
      // After a new ENCRYPTION_KEYS version: secrets nobody used since are sealed again here.
      const serverKeys = await deriveServerKeys(config.authSecret, config.encryption);
      const rotation = await resealStaleTotpSecrets({ db, serverKeys });
      if (rotation.resealed > 0 || rotation.unreadable > 0) logger.info("totp secrets resealed", rotation);
    });
  },
} satisfies ExportedHandler<Bindings>;
