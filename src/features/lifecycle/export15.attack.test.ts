// Review of issue 15: the account export holds everything issue 15 keeps about the user — the inbox,
// the notification channels they chose, the delivery log (what was mailed to them, how it went) and an
// undeliverable mark — and nothing of another user's, nor the delivery log's recipient hash.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type Export = {
  profile: { preferences: Record<string, unknown> | null };
  email: Record<string, unknown>;
  notifications?: Array<{ type: string; data: Record<string, unknown>; createdAt: string; readAt: string | null }>;
  deliveries?: Array<Record<string, unknown>>;
};

describe("the account export (issue 15's data)", () => {
  it("holds the inbox, the notification channels, the delivery log and the undeliverable mark", async () => {
    const email = uniqueEmail("export15");
    const browser = await signUpBrowser(ctx, email);
    const channels = await browser.request("/auth/preferences", {
      method: "PATCH",
      json: { notifications: { identity_linked: { inApp: false } } },
    });
    expect(channels.status).toBe(200);
    const device = ctx.client();
    const login = await device.request("/auth/login", {
      json: { email, password: STRONG_PASSWORD },
      headers: { "user-agent": "Export-Test-Phone/2.0" },
    });
    expect(login.status).toBe(200);
    // A mail to the user (the verification code sent at sign-up) and a bounce mark on the address.
    const id = await userIdOf(ctx, email);
    expect(await ctx.count("delivery_log", "user_id = $1", [id])).toBeGreaterThan(0);
    await ctx.sql(
      "UPDATE users SET email_undeliverable_at = now(), email_undeliverable_reason = 'bounce' WHERE id = $1",
      [id],
    );
    // Someone else's inbox stays theirs.
    const other = await signUpBrowser(ctx, uniqueEmail("export15-other"));
    expect((await other.request("/auth/account/export")).status).toBe(200);

    const response = await browser.request("/auth/account/export");
    expect(response.status).toBe(200);
    const text = await response.text();
    const data = JSON.parse(text) as Export;

    expect(data.notifications).toContainEqual({
      type: "new_device_sign_in",
      data: expect.objectContaining({ device: "Export-Test-Phone/2.0" }),
      createdAt: expect.any(String),
      readAt: null,
    });
    expect(data.profile.preferences).toMatchObject({
      notifications: { identity_linked: { inApp: false } },
    });
    expect(data.deliveries?.length).toBeGreaterThan(0);
    expect(data.deliveries?.[0]).toMatchObject({ channel: "EMAIL", template: expect.any(String) });
    expect(data.email).toMatchObject({ undeliverable: { at: expect.any(String), reason: "bounce" } });

    const [hash] = await ctx.sql<{ recipient_hash: string }>(
      "SELECT recipient_hash FROM delivery_log WHERE user_id = $1 LIMIT 1",
      [id],
    );
    expect(text).not.toContain(hash?.recipient_hash ?? "no hash");
  });
});
