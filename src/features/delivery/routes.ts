// POST /auth/webhooks/delivery: the mail/SMS provider's delivery, bounce and complaint events, signed
// with a shared secret (server to server: no session, no CSRF check; the /auth/* body limit applies).
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { readJsonBody } from "../../http/body.ts";
import { applyDeliveryEvent } from "./service.ts";
import { checkWebhookSignature } from "./signature.ts";

export const DELIVERY_WEBHOOK_PATH = "/auth/webhooks/delivery";

const printable = z.string().regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

/** The event body (documented in the README). Unknown fields are refused. */
const DeliveryEventBody = z.strictObject({
  id: printable.min(1).max(200),
  type: z.enum(["bounce", "complaint", "delivered"]),
  message_id: printable.min(1).max(200),
  recipient: z.string().min(1).max(320).optional(),
  reason: z.string().max(200).optional(),
  permanent: z.boolean().optional(),
});

export const deliveryWebhookRoutes = new Hono<AppEnv>().post(DELIVERY_WEBHOOK_PATH, async (c) => {
  const config = c.var.config;
  // Off until a secret is configured: the route does not exist (nothing to probe).
  if (config.deliveryWebhookSecrets.length === 0) throw new AppError("not_found");
  const rawBody = await c.req.text();
  const now = new Date();
  const check = await checkWebhookSignature({
    secrets: config.deliveryWebhookSecrets,
    timestamp: c.req.header("x-portcullis-timestamp"),
    signature: c.req.header("x-portcullis-signature"),
    rawBody,
    nowSeconds: Math.floor(now.getTime() / 1000),
  });
  if (check.kind === "invalid") throw new AppError("webhook_signature_invalid");
  if (check.kind === "out_of_range") throw new AppError("webhook_timestamp_out_of_range");
  // The same body, now trusted: its content type and shape (Hono caches the text read above).
  const body = await readJsonBody(c, DeliveryEventBody);
  const result = await applyDeliveryEvent(c.var.db(), {
    event: {
      id: body.id,
      type: body.type,
      messageId: body.message_id,
      recipient: body.recipient,
      reason: body.reason,
      permanent: body.permanent,
    },
    authSecret: config.authSecret,
    now,
  });
  if (result.kind === "replayed") throw new AppError("webhook_replayed");
  // Known or unknown message: one answer, so the endpoint tells nothing about addresses.
  return c.json({ received: true });
});
