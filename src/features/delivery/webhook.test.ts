// POST /auth/webhooks/delivery: signed events apply once; every bad, unsigned, stale, future, replayed
// or malformed request is refused with its code and changes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpApi, userIdOf } from "../../../test/helpers/auth.ts";
import {
  deliverySnapshot,
  lastDelivery,
  nowSeconds,
  PREVIOUS_WEBHOOK_SECRET,
  postWebhook,
  WEBHOOK_PATH,
  WEBHOOK_SECRET,
  webhookSignature,
} from "../../../test/helpers/delivery.ts";
import { errorOf } from "../../../test/helpers/second-factors.ts";
import { workerWith } from "../../../test/helpers/worker.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({
    DELIVERY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    DELIVERY_WEBHOOK_PREVIOUS_SECRET: PREVIOUS_WEBHOOK_SECRET,
  });
});

let eventCounter = 0;
const eventId = () => `evt_${++eventCounter}_${crypto.randomUUID()}`;

/** A new user and the provider id of its signup mail. */
async function sentMail() {
  const { email } = await signUpApi(ctx);
  const userId = await userIdOf(ctx, email);
  const row = await lastDelivery(ctx, userId, "email_verification");
  return { email, userId, messageId: row.provider_message_id ?? "" };
}

async function expectRefused(response: Response, before: unknown, expected: [number, string]) {
  expect(await errorOf(response)).toEqual(expected);
  expect(await deliverySnapshot(ctx)).toEqual(before);
}

describe("POST /auth/webhooks/delivery with a good signature", () => {
  it("applies a bounce: the log row is BOUNCED with the reason and the answer is {received: true}", async () => {
    const { userId, messageId } = await sentMail();
    const response = await postWebhook(ctx, {
      id: eventId(),
      type: "bounce",
      message_id: messageId,
      reason: "550 mailbox unavailable",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(await lastDelivery(ctx, userId, "email_verification")).toMatchObject({
      status: "BOUNCED",
      error_reason: "550 mailbox unavailable",
    });
    expect(await ctx.count("delivery_webhook_events")).toBeGreaterThan(0);
  });

  it("accepts the previous secret during a rotation, and a header listing several signatures", async () => {
    const { userId, messageId } = await sentMail();
    const body = JSON.stringify({ id: eventId(), type: "delivered", message_id: messageId });
    const timestamp = String(nowSeconds());
    const old = await webhookSignature(PREVIOUS_WEBHOOK_SECRET, timestamp, body);
    const response = await postWebhook(ctx, body, { timestamp, signature: `v1=${"0".repeat(64)}, v1=${old}` });
    expect(response.status).toBe(200);
    const [row] = await ctx.sql<{ status: string; reported: boolean }>(
      "SELECT status, reported_at IS NOT NULL AS reported FROM delivery_log WHERE user_id = $1 AND template = 'email_verification'",
      [userId],
    );
    expect(row).toEqual({ status: "SENT", reported: true });
  });

  it("answers an unknown message id, or a recipient the message did not go to, with 200 and changes nothing", async () => {
    const { messageId } = await sentMail();
    const before = await deliverySnapshot(ctx);
    const unknown = await postWebhook(ctx, { id: eventId(), type: "bounce", message_id: crypto.randomUUID() });
    expect([unknown.status, await unknown.json()]).toEqual([200, { received: true }]);
    const otherRecipient = await postWebhook(ctx, {
      id: eventId(),
      type: "complaint",
      message_id: messageId,
      recipient: "someone-else@example.com",
    });
    expect([otherRecipient.status, await otherRecipient.json()]).toEqual([200, { received: true }]);
    expect(await deliverySnapshot(ctx)).toEqual(before);
  });

  it("refuses a replayed event with 409 webhook_replayed and changes nothing the second time", async () => {
    const { messageId } = await sentMail();
    const body = JSON.stringify({ id: eventId(), type: "bounce", message_id: messageId, permanent: false });
    const timestamp = String(nowSeconds());
    const first = await postWebhook(ctx, body, { timestamp });
    expect(first.status).toBe(200);
    const before = await deliverySnapshot(ctx);
    await expectRefused(await postWebhook(ctx, body, { timestamp }), before, [409, "webhook_replayed"]);
    // Re-signed with a fresh timestamp: still the same event.
    await expectRefused(await postWebhook(ctx, body), before, [409, "webhook_replayed"]);
  });
});

describe("POST /auth/webhooks/delivery refuses", () => {
  const event = async () => ({ id: eventId(), type: "bounce", message_id: (await sentMail()).messageId });

  it("a signature made with another secret, or over another timestamp (401 webhook_signature_invalid)", async () => {
    const body = JSON.stringify(await event());
    const before = await deliverySnapshot(ctx);
    const invalid: [number, string] = [401, "webhook_signature_invalid"];
    await expectRefused(await postWebhook(ctx, body, { secret: "x".repeat(44) }), before, invalid);
    const signedEarlier = await webhookSignature(WEBHOOK_SECRET, String(nowSeconds() - 10), body);
    await expectRefused(await postWebhook(ctx, body, { signature: `v1=${signedEarlier}` }), before, invalid);
    await expectRefused(await postWebhook(ctx, `${body} `, { signature: `v1=${signedEarlier}` }), before, invalid);
  });

  it("a missing or malformed signature or timestamp (401 webhook_signature_invalid)", async () => {
    const body = JSON.stringify(await event());
    const timestamp = String(nowSeconds());
    const good = await webhookSignature(WEBHOOK_SECRET, timestamp, body);
    const before = await deliverySnapshot(ctx);
    const invalid: [number, string] = [401, "webhook_signature_invalid"];
    await expectRefused(await postWebhook(ctx, body, { signature: null }), before, invalid);
    for (const signature of [good, `sha256=${good}`, `v1=${good.toUpperCase()}`, "v1=", ""]) {
      await expectRefused(await postWebhook(ctx, body, { timestamp, signature }), before, invalid);
    }
    const noTimestamp = await ctx.worker.fetch(WEBHOOK_PATH, {
      method: "POST",
      headers: { "content-type": "application/json", "x-portcullis-signature": `v1=${good}` },
      body,
    });
    await expectRefused(noTimestamp, before, invalid);
    await expectRefused(await postWebhook(ctx, body, { timestamp: `${timestamp}.5` }), before, invalid);
  });

  it("a stale event (over 5 minutes old) and one from the future (401 webhook_timestamp_out_of_range)", async () => {
    const body = await event();
    const before = await deliverySnapshot(ctx);
    const outOfRange: [number, string] = [401, "webhook_timestamp_out_of_range"];
    await expectRefused(await postWebhook(ctx, body, { timestamp: String(nowSeconds() - 301) }), before, outOfRange);
    await expectRefused(await postWebhook(ctx, body, { timestamp: String(nowSeconds() + 120) }), before, outOfRange);
  });

  it("malformed JSON (400 invalid_json), wrong types and unknown fields (400 invalid_request)", async () => {
    const good = await event();
    const before = await deliverySnapshot(ctx);
    await expectRefused(await postWebhook(ctx, '{"id": "evt", "type":'), before, [400, "invalid_json"]);
    for (const body of [
      { ...good, type: "opened" },
      { ...good, message_id: 42 },
      { ...good, permanent: "yes" },
      { ...good, id: "has space" },
      { ...good, extra: true },
      { type: "bounce", message_id: good.message_id },
      [good],
    ]) {
      await expectRefused(await postWebhook(ctx, body), before, [400, "invalid_request"]);
    }
  });

  it("a wrong content type (415) and an oversize body (413), even when signed", async () => {
    const good = await event();
    const before = await deliverySnapshot(ctx);
    await expectRefused(await postWebhook(ctx, good, { contentType: "text/plain" }), before, [
      415,
      "unsupported_media_type",
    ]);
    const huge = { ...good, reason: "x".repeat(70 * 1024) };
    await expectRefused(await postWebhook(ctx, huge), before, [413, "payload_too_large"]);
  });

  it("everything with 404 when no secret is configured", async () => {
    const off = { ...ctx, worker: workerWith({ DATABASE_URL: ctx.databaseUrl }) };
    const body = await event();
    const before = await deliverySnapshot(ctx);
    const response = await postWebhook(off, body);
    expect(await errorOf(response)).toEqual([404, "not_found"]);
    expect(await deliverySnapshot(ctx)).toEqual(before);
  });
});
