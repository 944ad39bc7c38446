// POST /auth/webhooks/delivery: the mail/SMS provider's delivery, bounce and complaint events, signed
// with a shared secret (server to server: no session, no CSRF check; the /auth/* body limit applies).
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { readJsonBody } from "../../http/body.ts";
import { describe } from "../../http/openapi/describe.ts";
import { DeliveryEventBody, DeliveryWebhookHeaders, DeliveryWebhookResponse } from "./schemas.ts";
import { applyDeliveryEvent } from "./service.ts";
import { checkWebhookSignature } from "./signature.ts";

export const DELIVERY_WEBHOOK_PATH = "/auth/webhooks/delivery";

const doc = describe({
  operationId: "receiveDeliveryEvent",
  tag: "webhooks",
  summary: "The mail/SMS provider reports a delivery, bounce or complaint (HMAC-signed, no session)",
  description:
    "404 until `DELIVERY_WEBHOOK_SECRET` is set. The signature is checked before the body is read; a correctly signed request learns whether its timestamp was refused.",
  auth: "deliveryWebhook",
  headers: DeliveryWebhookHeaders,
  body: DeliveryEventBody,
  responses: { 200: DeliveryWebhookResponse },
  errors: ["not_found", "webhook_signature_invalid", "webhook_timestamp_out_of_range", "webhook_replayed"],
});

export const deliveryWebhookRoutes = new Hono<AppEnv>().post(DELIVERY_WEBHOOK_PATH, doc, async (c) => {
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
