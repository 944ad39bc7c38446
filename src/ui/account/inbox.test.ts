// The account page's inbox: the latest notifications with unread ones marked, mark-read and
// mark-all-read through the page's forms, and the cross-site and someone-else's refusals.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { notificationState } from "../../../test/helpers/notifications.ts";
import { en } from "../messages/en.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const t = en.notifications;

async function userWithInbox() {
  const email = uniqueEmail("page-inbox");
  const client = await signUpBrowser(ctx, email);
  const userId = await userIdOf(ctx, email);
  const rows = await ctx.sql<{ id: string }>(
    `INSERT INTO notifications (id, user_id, type, data, created_at) VALUES
     (gen_random_uuid(), $1, 'PASSKEY_ADDED', '{"name":"<b>Laptop</b>"}', now() - interval '2 minutes'),
     (gen_random_uuid(), $1, 'IDENTITY_LINKED', '{"provider":"oidc"}', now() - interval '1 minute')
     RETURNING id`,
    [userId],
  );
  return { client, userId, ids: rows.map((row) => row.id) };
}

describe("the account page's inbox", () => {
  it("lists the notifications newest first, unread ones marked with a mark-read form, text escaped", async () => {
    const { client, ids } = await userWithInbox();
    const response = await client.request("/auth/account");
    expect(response.status).toBe(200);
    const page = await readPage(response);
    expect(page.text).toContain(t.heading);
    expect(page.text).toContain(t.unread(2));
    expect(page.html).toContain('aria-labelledby="notifications-heading"');
    expect(page.html.indexOf("Sign-in with oidc was linked")).toBeLessThan(page.html.indexOf("Passkey"));
    expect(page.html).toContain("&lt;b&gt;Laptop&lt;/b&gt;");
    expect(page.html).not.toContain("<b>Laptop</b>");
    for (const id of ids) expect(page.html).toContain(`action="/auth/account/notifications/${id}/read"`);
    expect(page.html).toContain('action="/auth/account/notifications/read-all"');
  });

  it("marks one read through its form, then all, back on the inbox (303)", async () => {
    const { client, userId, ids } = await userWithInbox();
    const one = await submitForm(client, `/auth/account/notifications/${ids[0]}/read`, {});
    expect(one.status).toBe(303);
    expect(one.headers.get("location")).toBe("/auth/account#notifications");
    expect(await ctx.count("notifications", "user_id = $1 AND read_at IS NULL", [userId])).toBe(1);
    const page = await readPage(await client.request("/auth/account"));
    expect(page.text).toContain(t.unread(1));
    expect(page.html).not.toContain(`action="/auth/account/notifications/${ids[0]}/read"`);
    const all = await submitForm(client, "/auth/account/notifications/read-all", {});
    expect(all.status).toBe(303);
    expect(await ctx.count("notifications", "user_id = $1 AND read_at IS NULL", [userId])).toBe(0);
    const after = await readPage(await client.request("/auth/account"));
    expect(after.html).not.toContain('action="/auth/account/notifications/read-all"');
  });

  it("refuses a cross-site form, someone else's id and a malformed id, changing nothing", async () => {
    const { client, ids } = await userWithInbox();
    const other = await userWithInbox();
    const before = await notificationState(ctx);
    const crossSite = await submitForm(
      client,
      `/auth/account/notifications/${ids[0]}/read`,
      {},
      {
        origin: "https://evil.example",
      },
    );
    expect(crossSite.status).toBe(403);
    const crossAll = await submitForm(
      client,
      "/auth/account/notifications/read-all",
      {},
      { origin: "https://evil.example" },
    );
    expect(crossAll.status).toBe(403);
    // Someone else's id and a malformed one: the same 404, as an HTML error page (a form post, not the API).
    for (const id of [other.ids[0], "nope"]) {
      const refused = await submitForm(client, `/auth/account/notifications/${id}/read`, {});
      expect(refused.status).toBe(404);
      expect(refused.headers.get("content-type")).toContain("text/html");
      expect(await refused.text()).toContain('data-error-code="notification_not_found"');
    }
    const anonymous = await submitForm(ctx.client(), `/auth/account/notifications/${ids[0]}/read`, {});
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toMatch(/^\/auth\/sign-in/);
    expect(await notificationState(ctx)).toEqual(before);
  });
});
