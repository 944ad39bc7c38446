// The scheduled handler removes exactly what has expired, and keeps everything still usable.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpApi, testEnv } from "../../../test/helpers/auth.ts";
import { withDatabase } from "../../db/client.ts";
import worker from "../../index.ts";
import { CLEANUP_BATCH_SIZE, purgeExpired } from "./service.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const count = async (table: string) =>
  (await ctx.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? -1;

async function runCron() {
  const executionContext = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "*/30 * * * *" }), ctx.worker.env, executionContext);
  await waitOnExecutionContext(executionContext);
}

describe("scheduled cleanup", () => {
  it("purges expired codes, tokens, ended sessions, stale counters and old outbox rows, and nothing else", async () => {
    const live = await signUpApi(ctx);
    const old = await signUpApi(ctx);
    const [user] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [live.email]);
    await ctx.sql("UPDATE sessions SET revoked_at = now() - interval '40 days' WHERE id = $1", [old.id]);
    await ctx.sql("UPDATE refresh_tokens SET expires_at = now() - interval '2 days' WHERE session_id = $1", [old.id]);
    await ctx.sql(
      `INSERT INTO verification_codes (id, user_id, purpose, target, token_hash, expires_at) VALUES
       (gen_random_uuid(), $1, 'EMAIL_VERIFICATION', 'a@example.com', 'expired', now() - interval '1 minute'),
       (gen_random_uuid(), $1, 'EMAIL_VERIFICATION', 'a@example.com', 'live', now() + interval '5 minutes')`,
      [user?.id],
    );
    await ctx.sql(
      `INSERT INTO auth_counters (key, failures, updated_at) VALUES
       ('client:stale', 3, now() - interval '8 days'), ('client:fresh', 3, now()),
       ('account:locked', 100, now() - interval '30 days')`,
    );
    await ctx.sql(
      `INSERT INTO outbox_messages (id, channel, recipient, template, status, created_at) VALUES
       (gen_random_uuid(), 'EMAIL', 'a@example.com', 't', 'SENT', now() - interval '8 days'),
       (gen_random_uuid(), 'EMAIL', 'a@example.com', 't', 'SENT', now())`,
    );
    const before = { sessions: await count("sessions"), tokens: await count("refresh_tokens") };

    await runCron();

    // Only the rows made here (the signups' own mails and codes are live and stay).
    expect(await ctx.sql("SELECT token_hash FROM verification_codes WHERE target = 'a@example.com'")).toEqual([
      { token_hash: "live" },
    ]);
    expect(
      await ctx.sql(
        "SELECT key FROM auth_counters WHERE key IN ('client:stale','client:fresh','account:locked') ORDER BY key",
      ),
    ).toEqual([{ key: "account:locked" }, { key: "client:fresh" }]);
    expect(await ctx.sql("SELECT 1 FROM outbox_messages WHERE recipient = 'a@example.com'")).toHaveLength(1);
    expect(await count("sessions")).toBe(before.sessions - 1);
    expect(await count("refresh_tokens")).toBe(before.tokens - 1);
    expect(await ctx.sql("SELECT 1 FROM sessions WHERE id = $1", [live.id])).toHaveLength(1);
    expect((await ctx.client().request("/auth/session", { bearer: live.accessToken })).status).toBe(200);
  });
});

describe("scheduled cleanup of social sign-in state", () => {
  it("purges expired flows and link requests and keeps live ones", async () => {
    const [user] = await ctx.sql<{ id: string }>("SELECT id FROM users LIMIT 1");
    await ctx.sql(
      `INSERT INTO oauth_flows (id, state_hash, provider_id, redirect_uri, browser_hash, purpose, expires_at) VALUES
       (gen_random_uuid(), 'flow-expired', 'oidc', 'x', 'b', 'sign_in', now() - interval '1 minute'),
       (gen_random_uuid(), 'flow-live', 'oidc', 'x', 'b', 'sign_in', now() + interval '5 minutes')`,
    );
    await ctx.sql(
      `INSERT INTO identity_link_intents (id, token_hash, user_id, provider_id, provider_type, issuer, subject, email_verified, expires_at) VALUES
       (gen_random_uuid(), 'link-expired', $1, 'oidc', 'oidc', 'https://op', 's1', true, now() - interval '1 minute'),
       (gen_random_uuid(), 'link-live', $1, 'oidc', 'oidc', 'https://op', 's2', true, now() + interval '5 minutes')`,
      [user?.id],
    );
    await runCron();
    expect(await ctx.sql("SELECT state_hash FROM oauth_flows WHERE state_hash LIKE 'flow-%'")).toEqual([
      { state_hash: "flow-live" },
    ]);
    expect(await ctx.sql("SELECT token_hash FROM identity_link_intents WHERE token_hash LIKE 'link-%'")).toEqual([
      { token_hash: "link-live" },
    ]);
  });
});

describe("purgeExpired", () => {
  it("works in bounded batches", async () => {
    const { email } = await signUpApi(ctx);
    const [user] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
    await ctx.sql(
      `INSERT INTO verification_codes (id, user_id, purpose, target, token_hash, expires_at)
       SELECT gen_random_uuid(), $1, 'PASSWORD_RESET', 'b@example.com', 'bulk-' || g, now() - interval '1 hour'
       FROM generate_series(1, 1200) g`,
      [user?.id],
    );
    await withDatabase({ databaseUrl: ctx.databaseUrl, neonLocalRelay: testEnv.NEON_LOCAL_RELAY }, async (db) => {
      const first = await purgeExpired(db, { now: new Date(), lockoutFailures: 100, maxBatches: 1 });
      expect(first.verificationCodes).toBe(CLEANUP_BATCH_SIZE);
      const rest = await purgeExpired(db, { now: new Date(), lockoutFailures: 100 });
      expect(rest.verificationCodes).toBe(1200 - CLEANUP_BATCH_SIZE);
    });
  });
});
