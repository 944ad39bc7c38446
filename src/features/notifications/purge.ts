// The scheduled purge of read notifications older than NOTIFICATION_RETENTION_DAYS, bounded per run.
import type { Database } from "../../db/client.ts";

export const NOTIFICATION_PURGE_BATCH_SIZE = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes read notifications created before `now - retentionDays`, at most `maxBatches` batches; returns the count. */
export async function purgeReadNotifications(
  db: Database,
  options: { now: Date; retentionDays: number; maxBatches?: number },
): Promise<number> {
  const cutoff = new Date(options.now.getTime() - options.retentionDays * DAY_MS);
  const maxBatches = options.maxBatches ?? 20;
  let removed = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    // Unread ones stay whatever their age: only what the user has seen goes.
    const count = await db.$executeRaw`
      DELETE FROM notifications WHERE id IN (
        SELECT id FROM notifications WHERE read_at IS NOT NULL AND created_at < ${cutoff}
        LIMIT ${NOTIFICATION_PURGE_BATCH_SIZE})`;
    removed += count;
    if (count < NOTIFICATION_PURGE_BATCH_SIZE) break;
  }
  return removed;
}
