// The delivery webhook's event body, its signature headers (as described) and its answer.
import { z } from "zod";

const printable = z.string().regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

/** The event body (documented in the README). Unknown fields are refused. */
export const DeliveryEventBody = z.strictObject({
  id: printable.min(1).max(200),
  type: z.enum(["bounce", "complaint", "delivered"]),
  message_id: printable.min(1).max(200),
  recipient: z.string().min(1).max(320).optional(),
  reason: z.string().max(200).optional(),
  permanent: z.boolean().optional(),
});

/**
 * The signature headers, for the API description: signature.ts checks them (a missing or malformed one
 * is 401 webhook_signature_invalid, so the route reads them itself rather than through this schema).
 */
export const DeliveryWebhookHeaders = z.object({
  "X-Portcullis-Timestamp": z
    .string()
    .regex(/^\d{1,12}$/)
    .meta({ description: "When the provider signed the request, in Unix seconds (at most 5 minutes old)." }),
  "X-Portcullis-Signature": z.string().meta({
    description:
      "Comma-separated `v1=<64 hex digits>` (up to 4 are read): HMAC-SHA-256 of `<timestamp>.<raw body>` under a configured secret.",
  }),
});

export const DeliveryWebhookResponse = z.object({
  received: z
    .literal(true)
    .meta({ description: "Also for an unknown message: the route tells nothing about addresses." }),
});
