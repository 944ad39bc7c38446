// Admins see a user's delivery log (template, channel, status, times, reason; never a body or the
// recipient hash) through the admin API's user detail and on the console's user page.
import { beforeAll, describe, expect, it } from "vitest";
import { type PlatformAdmin, signedInPlatformAdmin } from "../../../test/helpers/admin.ts";
import { type AuthTestContext, setUpAuthTest, signUpApi, userIdOf } from "../../../test/helpers/auth.ts";
import { lastDelivery, postWebhook, WEBHOOK_SECRET } from "../../../test/helpers/delivery.ts";
import { readPage } from "../../../test/helpers/html.ts";

let ctx: AuthTestContext;
let admin: PlatformAdmin;
beforeAll(async () => {
  ctx = await setUpAuthTest({ DELIVERY_WEBHOOK_SECRET: WEBHOOK_SECRET });
  admin = await signedInPlatformAdmin(ctx);
});

/** A user whose signup mail bounced. */
async function bouncedUser() {
  const { email } = await signUpApi(ctx);
  const userId = await userIdOf(ctx, email);
  const sent = await lastDelivery(ctx, userId, "email_verification");
  const bounce = { id: crypto.randomUUID(), type: "bounce", message_id: sent.provider_message_id, reason: "550" };
  expect((await postWebhook(ctx, bounce)).status).toBe(200);
  return { email, userId, entryId: sent.id, hash: sent.recipient_hash };
}

describe("a user's delivery log for admins", () => {
  it("is in the admin API's user detail, with the undeliverable mark, and no body or hash", async () => {
    const { userId, entryId, hash } = await bouncedUser();
    const response = await ctx.client().request(`/admin/users/${userId}`, { bearer: admin.accessToken, origin: null });
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as { deliveries: Array<Record<string, unknown>>; emailUndeliverable: unknown };
    expect(body.emailUndeliverable).toMatchObject({ reason: "bounce" });
    expect(body.deliveries).toEqual([
      {
        id: entryId,
        channel: "EMAIL",
        template: "email_verification",
        status: "BOUNCED",
        attempts: 1,
        reason: "550",
        createdAt: expect.any(String),
        sentAt: expect.any(String),
        reportedAt: expect.any(String),
      },
    ]);
    expect(text).not.toContain(hash);
  });

  it("is on the console's user page", async () => {
    const { userId, entryId } = await bouncedUser();
    const page = await readPage(await admin.client.request(`/auth/admin/users/${userId}`));
    expect(page.status).toBe(200);
    expect(page.text).toContain("Delivery log");
    expect(page.html).toContain(`data-delivery-id="${entryId}" data-delivery-status="BOUNCED"`);
    expect(page.text).toContain("email_verification");
    expect(page.text).toContain("Email marked undeliverable (bounce)");
  });
});
