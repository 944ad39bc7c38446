// Per-type channels in GET/PATCH /auth/preferences and their effect: in-app off creates no row, email
// on sends the type's mail, email off sends none; refusals change nothing.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { notificationState, notificationTypes } from "../../../test/helpers/notifications.ts";
import { outboxFor } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type Channels = Record<string, { inApp: boolean; email: boolean }>;
const patch = (client: TestClient, json: unknown) => client.request("/auth/preferences", { method: "PATCH", json });
const channelsOf = async (client: TestClient) =>
  ((await (await client.request("/auth/preferences")).json()) as { preferences: { notifications: Channels } })
    .preferences.notifications;
const changePassword = (client: TestClient, current: string, next: string) =>
  client.request("/auth/password/change", { json: { current, new: next } });
const OTHER = "another long passphrase 77";

describe("notification channels in /auth/preferences", () => {
  it("defaults to in-app and email on for every type", async () => {
    const channels = await channelsOf(await signUpBrowser(ctx));
    expect(Object.keys(channels)).toHaveLength(9);
    for (const value of Object.values(channels)) expect(value).toEqual({ inApp: true, email: true });
  });

  it("stores partial changes as overrides, reports them by type and resets with null", async () => {
    const client = await signUpBrowser(ctx);
    const response = await patch(client, {
      notifications: { password_changed: { email: false }, new_device_sign_in: { inApp: false } },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { preferences: { notifications: Channels }; changed: string[] };
    expect(body.changed).toEqual(["notifications.new_device_sign_in", "notifications.password_changed"]);
    expect(body.preferences.notifications.password_changed).toEqual({ inApp: true, email: false });
    expect(body.preferences.notifications.new_device_sign_in).toEqual({ inApp: false, email: true });
    expect((await channelsOf(client)).password_changed).toEqual({ inApp: true, email: false });
    const stored = await ctx.sql<{ notification_channels: unknown }>(
      "SELECT notification_channels FROM user_preferences p JOIN users u ON u.id = p.user_id ORDER BY p.updated_at DESC LIMIT 1",
    );
    expect(stored[0]?.notification_channels).toEqual({
      new_device_sign_in: { inApp: false },
      password_changed: { email: false },
    });
    const reset = await patch(client, { notifications: { password_changed: null } });
    expect(((await reset.json()) as { changed: string[] }).changed).toEqual(["notifications.password_changed"]);
    const all = await patch(client, { notifications: null });
    expect(((await all.json()) as { changed: string[] }).changed).toEqual(["notifications.new_device_sign_in"]);
    for (const value of Object.values(await channelsOf(client))) expect(value).toEqual({ inApp: true, email: true });
  });

  it("in-app off creates no inbox row; email on sends the type's mail and email off sends none", async () => {
    const email = uniqueEmail("channels");
    const client = await signUpBrowser(ctx, email);
    const mails = async () =>
      (await outboxFor(ctx.worker, email)).filter((mail) => mail.template === "notification_password_changed");
    expect((await changePassword(client, STRONG_PASSWORD, OTHER)).status).toBe(200);
    expect(await notificationTypes(ctx, email)).toEqual(["PASSWORD_CHANGED"]);
    expect(await mails()).toHaveLength(1);

    expect((await patch(client, { notifications: { password_changed: { inApp: false, email: false } } })).status).toBe(
      200,
    );
    expect((await changePassword(client, OTHER, STRONG_PASSWORD)).status).toBe(200);
    expect(await notificationTypes(ctx, email)).toEqual(["PASSWORD_CHANGED"]);
    expect(await mails()).toHaveLength(1);

    expect((await patch(client, { notifications: { password_changed: { email: true } } })).status).toBe(200);
    expect((await changePassword(client, STRONG_PASSWORD, OTHER)).status).toBe(200);
    expect(await notificationTypes(ctx, email)).toEqual(["PASSWORD_CHANGED"]);
    expect(await mails()).toHaveLength(2);
  });

  it("refuses unknown types, unknown channels, wrong types and turning off a security notice, changing nothing", async () => {
    const client = await signUpBrowser(ctx);
    expect((await patch(client, { notifications: { password_changed: { email: false } } })).status).toBe(200);
    const before = await notificationState(ctx);
    const cases: Array<[unknown, string]> = [
      [{ notifications: { nope: { email: false } } }, "notifications"],
      [{ notifications: { PASSWORD_CHANGED: { email: false } } }, "notifications"],
      [{ notifications: { password_changed: { sms: true } } }, "notifications.password_changed"],
      [{ notifications: { password_changed: { email: "no" } } }, "notifications.password_changed.email"],
      [{ notifications: { password_changed: { inApp: 0 } } }, "notifications.password_changed.inApp"],
      [{ notifications: { password_changed: true } }, "notifications.password_changed"],
      [{ notifications: [] }, "notifications"],
      [{ notifications: "all" }, "notifications"],
      [{ notifications: { email_changed: { email: false } } }, "notifications.email_changed.email"],
      [{ notifications: { new_device_sign_in: { email: false } } }, "notifications.new_device_sign_in.email"],
      [{ notifications: { invitation_received: { email: false } } }, "notifications.invitation_received.email"],
    ];
    for (const [json, path] of cases) {
      const response = await patch(client, json);
      const body = (await response.json()) as ErrorBody;
      expect([json, response.status, body.error.code, body.error.fields?.[0]?.path]).toEqual([
        json,
        400,
        "invalid_request",
        path,
      ]);
    }
    const locked = (await (
      await patch(client, { notifications: { account_deletion_scheduled: { email: false } } })
    ).json()) as ErrorBody;
    expect(locked.error.fields?.[0]?.message).toMatch(/cannot be turned off/);
    for (const body of ["{", '{"notifications": }']) {
      const response = await client.request("/auth/preferences", {
        method: "PATCH",
        body,
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(400);
    }
    expect(await notificationState(ctx)).toEqual(before);
    expect((await channelsOf(client)).password_changed).toEqual({ inApp: true, email: false });
  });
});
