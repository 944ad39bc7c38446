// Review of issue 15: scrubbing a deleted user removes what issue 15 keeps about them too — the inbox
// (devices' user agents, tenant and passkey names) and the preferences row (the time zone says where
// they live) — not only the profile columns.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import worker from "../../index.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function runCron() {
  const executionContext = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "*/30 * * * *" }), ctx.worker.env, executionContext);
  await waitOnExecutionContext(executionContext);
}

describe("the scheduled scrub of a deleted user", () => {
  it("deletes their notifications and preferences, and nobody else's", async () => {
    const email = uniqueEmail("scrub15");
    const browser = await signUpBrowser(ctx, email);
    const prefs = await browser.request("/auth/preferences", { method: "PATCH", json: { timeZone: "Europe/Paris" } });
    expect(prefs.status).toBe(200);
    // A sign-in from a second device: a new_device_sign_in notification holding its user agent.
    const device = ctx.client();
    const signIn = await device.request("/auth/login", {
      json: { email, password: STRONG_PASSWORD },
      headers: { "user-agent": "Scrub-Test-Phone/1.0 (Alice's phone)" },
    });
    expect(signIn.status).toBe(200);
    const id = await userIdOf(ctx, email);
    expect(await ctx.count("notifications", "user_id = $1", [id])).toBeGreaterThan(0);

    const bystander = uniqueEmail("scrub15-other");
    const other = await signUpBrowser(ctx, bystander);
    expect((await other.request("/auth/preferences", { method: "PATCH", json: { theme: "DARK" } })).status).toBe(200);
    const otherId = await userIdOf(ctx, bystander);
    await ctx.sql(
      "INSERT INTO notifications (id, user_id, type, data) VALUES (gen_random_uuid(), $1, 'PASSWORD_CHANGED', '{}')",
      [otherId],
    );

    expect((await browser.request("/auth/account/delete", { json: { confirm: "DELETE" } })).status).toBe(200);
    await ctx.sql("UPDATE users SET deleted_at = now() - interval '31 days' WHERE id = $1", [id]);
    await runCron();
    expect(await ctx.count("users", "id = $1 AND scrubbed_at IS NOT NULL", [id])).toBe(1);

    expect(await ctx.count("notifications", "user_id = $1", [id])).toBe(0);
    expect(await ctx.count("user_preferences", "user_id = $1", [id])).toBe(0);
    expect(await ctx.count("notifications", "user_id = $1", [otherId])).toBe(1);
    expect(await ctx.count("user_preferences", "user_id = $1", [otherId])).toBe(1);
  });
});
