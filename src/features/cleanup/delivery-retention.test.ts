// Issue 15: the scheduled cleanup purges delivery-log rows past DELIVERY_LOG_RETENTION_DAYS and webhook
// event ids past the replay window (plus a margin), in bounded batches, and keeps everything newer.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpApi, testEnv, userIdOf } from "../../../test/helpers/auth.ts";
import { loadConfig } from "../../config/index.ts";
import { withDatabase } from "../../db/client.ts";
import worker from "../../index.ts";
import { WEBHOOK_FUTURE_SKEW_SECONDS, WEBHOOK_TOLERANCE_SECONDS } from "../delivery/signature.ts";
import { CLEANUP_BATCH_SIZE, purgeExpired, WEBHOOK_EVENT_RETENTION_SECONDS } from "./service.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ DELIVERY_LOG_RETENTION_DAYS: "30" });
});

async function runCron() {
  const executionContext = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "*/30 * * * *" }), ctx.worker.env, executionContext);
  await waitOnExecutionContext(executionContext);
}

/** Inserts a delivery-log row for `userId` created `age` ago, tagged by its template. */
async function logRow(userId: string | null, template: string, age: string) {
  await ctx.sql(
    `INSERT INTO delivery_log (id, user_id, recipient_hash, channel, template, status, created_at)
     VALUES (gen_random_uuid(), $1, 'hash', 'EMAIL', $2, 'SENT', now() - $3::interval)`,
    [userId, template, age],
  );
}

const templates = async (prefix: string) =>
  (
    await ctx.sql<{ template: string }>("SELECT template FROM delivery_log WHERE template LIKE $1 ORDER BY template", [
      `${prefix}%`,
    ])
  ).map((row) => row.template);

describe("DELIVERY_LOG_RETENTION_DAYS", () => {
  it("defaults to 90 days and is read from the environment", () => {
    expect(loadConfig({ ...ctx.worker.env, DELIVERY_LOG_RETENTION_DAYS: undefined }).deliveryLogRetentionDays).toBe(90);
    expect(loadConfig(ctx.worker.env).deliveryLogRetentionDays).toBe(30);
  });

  it.each(["0", "-1", "1.5", "ninety", "3651"])("refuses %j at config load", (value) => {
    expect(() => loadConfig({ ...ctx.worker.env, DELIVERY_LOG_RETENTION_DAYS: value })).toThrow(
      /DELIVERY_LOG_RETENTION_DAYS/,
    );
  });
});

describe("scheduled cleanup of the delivery log", () => {
  it("purges rows older than the retention, keeps newer ones, and leaves the users alone", async () => {
    const { email } = await signUpApi(ctx);
    const userId = await userIdOf(ctx, email);
    await logRow(userId, "ret-a-old", "31 days");
    await logRow(null, "ret-b-old-unknown", "200 days");
    await logRow(userId, "ret-c-recent", "29 days");
    await logRow(userId, "ret-d-now", "0 seconds");
    const users = await ctx.count("users");

    await runCron();

    expect(await templates("ret-")).toEqual(["ret-c-recent", "ret-d-now"]);
    expect(await ctx.count("users")).toBe(users);
  });

  it("purges webhook event ids once the replay window and its margin have passed", async () => {
    const kept = WEBHOOK_EVENT_RETENTION_SECONDS - 60;
    const purged = WEBHOOK_EVENT_RETENTION_SECONDS + 60;
    await ctx.sql(
      `INSERT INTO delivery_webhook_events (event_id, received_at) VALUES
       ('evt-fresh', now()), ('evt-in-margin', now() - make_interval(secs => $1)),
       ('evt-stale', now() - make_interval(secs => $2)), ('evt-ancient', now() - interval '30 days')`,
      [kept, purged],
    );

    await runCron();

    const rows = await ctx.sql<{ event_id: string }>(
      "SELECT event_id FROM delivery_webhook_events WHERE event_id LIKE 'evt-%' ORDER BY event_id",
    );
    expect(rows.map((row) => row.event_id)).toEqual(["evt-fresh", "evt-in-margin"]);
    // The margin covers the whole signature window: an id is kept for as long as its event could replay.
    expect(WEBHOOK_EVENT_RETENTION_SECONDS).toBeGreaterThan(WEBHOOK_TOLERANCE_SECONDS + WEBHOOK_FUTURE_SKEW_SECONDS);
  });

  it("works in bounded batches", async () => {
    await ctx.sql(
      `INSERT INTO delivery_log (id, recipient_hash, channel, template, status, created_at)
       SELECT gen_random_uuid(), 'h', 'SMS', 'bulk-' || g, 'FAILED', now() - interval '100 days'
       FROM generate_series(1, ${CLEANUP_BATCH_SIZE + 100}) g`,
    );
    await withDatabase({ databaseUrl: ctx.databaseUrl, neonLocalRelay: testEnv.NEON_LOCAL_RELAY }, async (db) => {
      const options = { now: new Date(), lockoutFailures: 100, deliveryLogRetentionDays: 30 };
      const first = await purgeExpired(db, { ...options, maxBatches: 1 });
      expect(first.deliveryLog).toBe(CLEANUP_BATCH_SIZE);
      expect(await ctx.count("delivery_log", "template LIKE 'bulk-%'")).toBe(100);
      const rest = await purgeExpired(db, options);
      expect(rest.deliveryLog).toBe(100);
    });
    expect(await ctx.count("delivery_log", "template LIKE 'bulk-%'")).toBe(0);
  });
});
