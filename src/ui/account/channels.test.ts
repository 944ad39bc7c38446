// The account page's notification channels: the form shows every type with its channels, a saved form
// turns unchecked channels off (the always-mailed security notices keep their mail), and a cross-site
// or signed-out post changes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { MAILED_BY_EVENT, NOTIFICATION_KINDS } from "../../features/notifications/channels.ts";
import { en } from "../messages/en.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const PATH = "/auth/account/notification-channels";

type PreferencesBody = { preferences: { notifications: Record<string, { inApp: boolean; email: boolean }> } };
const channelsOf = async (client: Awaited<ReturnType<typeof signUpBrowser>>) =>
  ((await (await client.request("/auth/preferences")).json()) as PreferencesBody).preferences.notifications;

const storedChannels = async (userId: string) =>
  (
    await ctx.sql<{ channels: unknown }>(
      "SELECT notification_channels AS channels FROM user_preferences WHERE user_id = $1",
      [userId],
    )
  )[0]?.channels;

describe("the account page's notification channels", () => {
  it("shows every type with an in-app and an email box, the security notices' mail fixed on", async () => {
    const client = await signUpBrowser(ctx, uniqueEmail("channels-page"));
    const page = await readPage(await client.request("/auth/account"));
    expect(page.text).toContain(en.notifications.channels.heading);
    const boxes = page.inputs.filter((input) => input.attributes.type === "checkbox");
    for (const kind of NOTIFICATION_KINDS) {
      const inApp = boxes.find((box) => box.attributes.name === `${kind}.in_app`);
      expect(inApp?.attributes).toHaveProperty("checked");
      const email = boxes.find((box) => box.attributes.name === `${kind}.email`);
      if (MAILED_BY_EVENT.has(kind)) expect(email).toBeUndefined();
      else expect(email?.attributes).toHaveProperty("checked");
    }
    expect(boxes.filter((box) => "disabled" in box.attributes)).toHaveLength(MAILED_BY_EVENT.size);
    expect(page.forms.some((form) => form.attributes.action === PATH)).toBe(true);
  });

  it("saves the form: unchecked channels go off, the always-mailed ones keep their mail", async () => {
    const client = await signUpBrowser(ctx, uniqueEmail("channels-save"));
    // Only two boxes checked: password changes in the inbox, and passkeys by mail.
    const saved = await submitForm(client, PATH, { "password_changed.in_app": "on", "passkey_added.email": "on" });
    expect([saved.status, saved.headers.get("location")]).toEqual([303, "/auth/account?done=notifications"]);
    const channels = await channelsOf(client);
    expect(channels.password_changed).toEqual({ inApp: true, email: false });
    expect(channels.passkey_added).toEqual({ inApp: false, email: true });
    expect(channels.new_device_sign_in).toEqual({ inApp: false, email: true });
    expect(channels.second_factor_added).toEqual({ inApp: false, email: false });
    const page = await readPage(await client.request("/auth/account?done=notifications"));
    expect(page.text).toContain(en.notifications.channels.done);
    const box = (name: string) => page.inputs.find((input) => input.attributes.name === name)?.attributes ?? {};
    expect(box("password_changed.in_app")).toHaveProperty("checked");
    expect(box("password_changed.email")).not.toHaveProperty("checked");
    expect(box("second_factor_added.in_app")).not.toHaveProperty("checked");
    // Checking everything again restores the defaults, and only differences are stored.
    const all = Object.fromEntries(
      NOTIFICATION_KINDS.flatMap((kind) => [
        [`${kind}.in_app`, "on"],
        [`${kind}.email`, "on"],
      ]),
    );
    expect((await submitForm(client, PATH, all)).status).toBe(303);
    for (const channel of Object.values(await channelsOf(client)))
      expect(channel).toEqual({ inApp: true, email: true });
  });

  it("refuses a cross-site post and sends a signed-out one to sign in, changing nothing", async () => {
    const email = uniqueEmail("channels-refused");
    const client = await signUpBrowser(ctx, email);
    const userId = await userIdOf(ctx, email);
    const before = await ctx.snapshot();
    const stored = await storedChannels(userId);
    const crossSite = await submitForm(client, PATH, {}, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    const anonymous = await submitForm(ctx.client(), PATH, {});
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toMatch(/^\/auth\/sign-in/);
    expect(await storedChannels(userId)).toEqual(stored);
    expect(await ctx.snapshot()).toEqual(before);
    for (const channel of Object.values(await channelsOf(client)))
      expect(channel).toEqual({ inApp: true, email: true });
  });
});
