// Within DELETED_USER_RETENTION_DAYS a password reset cancels a deletion; after it, reset knows nothing and
// the scheduled handler scrubs the personal data (audit rows kept), once, in bounded batches.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  testEnv,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { signInWithTotp, tenantWith } from "../../../test/helpers/lifecycle.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import { errorOf, registerPasskey } from "../../../test/helpers/second-factors.ts";
import { withDatabase } from "../../db/client.ts";
import worker from "../../index.ts";
import { scrubDeletedUsers } from "./service.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const NEW_PASSWORD = "a brand new passphrase for later";
const deleteAccount = (client: TestClient) => client.request("/auth/account/delete", { json: { confirm: "DELETE" } });
const forgot = (email: string) => ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });
const reset = (token: string) =>
  ctx.client().request("/auth/password/reset", { json: { token, password: NEW_PASSWORD }, origin: null });
const login = (email: string, password: string) =>
  ctx.client().request("/auth/login", { json: { email, password, client: "api" }, origin: null });
const resetMails = async (email: string) =>
  (await outboxFor(ctx.worker, email)).filter((m) => m.template === "password_reset");
const ageDeletion = (id: string, days: number) =>
  ctx.sql(`UPDATE users SET deleted_at = now() - make_interval(days => $2) WHERE id = $1`, [id, days]);

async function deletedUser(): Promise<{ email: string; id: string }> {
  const email = uniqueEmail("deleted");
  const browser = await signUpBrowser(ctx, email);
  expect((await deleteAccount(browser)).status).toBe(200);
  return { email, id: await userIdOf(ctx, email) };
}

async function runCron() {
  const executionContext = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "*/30 * * * *" }), ctx.worker.env, executionContext);
  await waitOnExecutionContext(executionContext);
}

describe("cancelling a deletion with a password reset", () => {
  it("reactivates the account within the retention, audits it, and the new password signs in", async () => {
    const { email, id } = await deletedUser();
    expect((await login(email, STRONG_PASSWORD)).status).toBe(401);
    expect((await forgot(email)).status).toBe(202);
    const token = tokenIn((await resetMails(email)).at(-1)?.text ?? null);
    expect((await reset(token)).status).toBe(200);
    const [row] = await ctx.sql<{ status: string; deleted_at: Date | null }>(
      "SELECT status::text AS status, deleted_at FROM users WHERE id = $1",
      [id],
    );
    expect(row).toEqual({ status: "ACTIVE", deleted_at: null });
    expect(await ctx.count("audit_events", "user_id = $1 AND action = 'user.deletion_cancelled'", [id])).toBe(1);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
  });

  it("after the retention answers a reset request like an unknown address and sends nothing", async () => {
    const { email, id } = await deletedUser();
    await ageDeletion(id, 31);
    const ghost = uniqueEmail("ghost");
    const [known, unknown] = [await forgot(email), await forgot(ghost)];
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.text()).toBe(await unknown.text());
    expect(await resetMails(email)).toHaveLength(0);
  });

  it("refuses a link mailed within the retention once the retention has passed, and the account stays deleted", async () => {
    const { email, id } = await deletedUser();
    expect((await forgot(email)).status).toBe(202);
    const token = tokenIn((await resetMails(email)).at(-1)?.text ?? null);
    await ageDeletion(id, 31);
    expect(await errorOf(await reset(token))).toEqual([400, "invalid_token"]);
    expect(await ctx.count("users", "id = $1 AND status = 'DELETED'", [id])).toBe(1);
    expect((await login(email, NEW_PASSWORD)).status).toBe(401);
  });
});

describe("scrubbing deleted users in the scheduled handler", () => {
  it("removes the personal data of users past the retention, keeps audit rows without the address, and only once", async () => {
    const user = await signInWithTotp(ctx, uniqueEmail("scrub"));
    await registerPasskey(user.client);
    await ctx.sql("UPDATE users SET name = 'Ada Lovelace', phone_number = $2 WHERE id = $1", [
      user.id,
      `+1555${Math.floor(Math.random() * 1e7)}`,
    ]);
    await tenantWith(ctx, [{ id: user.id, role: "STAFF" }]);
    const inviting = await tenantWith(ctx, []);
    await ctx.sql("INSERT INTO platform_role_grants (user_id, role_key) VALUES ($1, 'PLATFORM_ADMIN')", [user.id]);
    // Another active admin, so this one is not the last who can sign in (which would refuse the deletion).
    const colleague = await signUpApi(ctx, uniqueEmail("colleague"));
    await ctx.sql("INSERT INTO platform_role_grants (user_id, role_key) VALUES ($1, 'PLATFORM_ADMIN')", [
      await userIdOf(ctx, colleague.email),
    ]);
    await ctx.sql(
      `INSERT INTO invitations (id, tenant_id, email, token_hash, expires_at)
       SELECT gen_random_uuid(), id, $1, 'scrub-invite-' || gen_random_uuid(), now() + interval '1 day' FROM tenants WHERE slug = $2`,
      [user.email, inviting],
    );
    const [identity] = await ctx.sql<{ id: string }>(
      `INSERT INTO external_identities (id, user_id, provider_id, provider_type, issuer, subject, email, email_verified)
       VALUES (gen_random_uuid(), $1, 'oidc', 'oidc', 'https://op.example', $2, $3, true) RETURNING id`,
      [user.id, `sub-${user.id}`, user.email],
    );
    await ctx.sql(
      "INSERT INTO provider_tokens (identity_id, access_token_ciphertext, key_version) VALUES ($1, 'sealed', 1)",
      [identity?.id],
    );
    await ctx.sql(
      `INSERT INTO audit_events (id, user_id, action, success, metadata) VALUES (gen_random_uuid(), $1, 'email.changed', true, $2::jsonb)`,
      [user.id, JSON.stringify({ previous: user.email })],
    );
    // Issue 15: onboarding data is personal data too.
    await ctx.sql(
      `INSERT INTO onboarding_sessions (id, user_id, data, completed_steps) VALUES (gen_random_uuid(), $1, '{"profile": {"name": "Ada"}}', '{profile}')`,
      [user.id],
    );
    await ctx.sql(
      "INSERT INTO user_preferences (user_id, time_zone, updated_at) VALUES ($1, 'Europe/Paris', now()) ON CONFLICT (user_id) DO UPDATE SET time_zone = 'Europe/Paris'",
      [user.id],
    );
    expect((await deleteAccount(user.client)).status).toBe(200);
    // The deletion notice is in the inbox (issue 15), with the user's preferences: both go at the scrub.
    expect(await ctx.count("notifications", "user_id = $1", [user.id])).toBeGreaterThan(0);
    const recent = await deletedUser();
    await ageDeletion(recent.id, 29);
    await ageDeletion(user.id, 31);
    const auditRows = await ctx.count("audit_events", "user_id = $1", [user.id]);
    // A username is personal data too, and scrubbing frees it for others (issue 15).
    await ctx.sql("UPDATE users SET username = $2 WHERE id = $1", [user.id, `scrub-${user.id.slice(-8)}`]);

    await runCron();

    const [row] = await ctx.sql<Record<string, unknown>>(
      "SELECT email, name, image, username, phone_number, email_verified_at, status::text AS status, scrubbed_at FROM users WHERE id = $1",
      [user.id],
    );
    expect(row).toEqual(
      expect.objectContaining({
        email: `deleted-${user.id}@invalid`,
        name: null,
        image: null,
        username: null,
        phone_number: null,
        email_verified_at: null,
        status: "DELETED",
      }),
    );
    expect(row?.scrubbed_at).not.toBeNull();
    for (const table of [
      "accounts",
      "external_identities",
      "passkeys",
      "totp_credentials",
      "recovery_codes",
      "verification_codes",
      "sessions",
      "mfa_challenges",
      "memberships",
      "platform_role_grants",
      "onboarding_sessions",
      "notifications",
      "user_preferences",
      "delivery_log",
    ]) {
      expect({ table, rows: await ctx.count(table, "user_id = $1", [user.id]) }).toEqual({ table, rows: 0 });
    }
    expect(await ctx.count("provider_tokens", "identity_id = $1", [identity?.id])).toBe(0);
    expect(await ctx.count("invitations", "email = $1", [user.email])).toBe(0);
    expect(await ctx.count("outbox_messages", "recipient = $1", [user.email])).toBe(0);
    expect(await ctx.count("audit_events", "user_id = $1 AND action <> 'user.scrubbed'", [user.id])).toBe(auditRows);
    expect(await ctx.count("audit_events", "strpos(metadata::text, $1) > 0", [user.email])).toBe(0);
    expect(await ctx.count("audit_events", "user_id = $1 AND action = 'user.scrubbed'", [user.id])).toBe(1);
    // Inside the retention: untouched.
    expect(await ctx.count("users", "id = $1 AND email = $2 AND scrubbed_at IS NULL", [recent.id, recent.email])).toBe(
      1,
    );

    await runCron();
    expect(await ctx.count("audit_events", "user_id = $1 AND action = 'user.scrubbed'", [user.id])).toBe(1);
    // The address is free again and a reset for it reaches nobody.
    expect((await forgot(user.email)).status).toBe(202);
    expect(await resetMails(user.email)).toHaveLength(0);
    expect((await login(user.email, STRONG_PASSWORD)).status).toBe(401);
  });

  it("scrubs at most the batch size per run", async () => {
    const users = [await deletedUser(), await deletedUser(), await deletedUser()];
    for (const user of users) await ageDeletion(user.id, 40);
    await withDatabase({ databaseUrl: ctx.databaseUrl, neonLocalRelay: testEnv.NEON_LOCAL_RELAY }, async (db) => {
      const deps = {
        db,
        kv: testEnv.AUTH_KV,
        settings: { deletedUserRetentionDays: 30, accessTokenTtlSeconds: 300 },
        now: new Date(),
      };
      expect(await scrubDeletedUsers(deps, 2)).toEqual({ scrubbed: 2 });
      expect(await scrubDeletedUsers(deps, 2)).toEqual({ scrubbed: 1 });
      expect(await scrubDeletedUsers(deps, 2)).toEqual({ scrubbed: 0 });
    });
    const ids = users.map((u) => u.id);
    expect(await ctx.count("users", "id = ANY($1::uuid[]) AND scrubbed_at IS NOT NULL", [ids])).toBe(3);
  });
});
