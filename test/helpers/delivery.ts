// issue 15: a provider's signed delivery webhook, as a real provider would send it, and the delivery
// state a refused webhook must leave unchanged.
import { encodeHexLowerCase } from "@oslojs/encoding";
import type { AuthTestContext } from "./auth.ts";

export const WEBHOOK_SECRET = "test-delivery-webhook-secret-0123456789abcdef";
export const PREVIOUS_WEBHOOK_SECRET = "previous-delivery-webhook-secret-0123456789";
export const WEBHOOK_PATH = "/auth/webhooks/delivery";

/** HMAC-SHA-256 over `timestamp.body`, hex (written here with Web Crypto, not with the Worker's code). */
export async function webhookSignature(secret: string, timestamp: string, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return encodeHexLowerCase(
    new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${body}`))),
  );
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export type WebhookOptions = {
  secret?: string;
  timestamp?: string;
  /** Replaces the signature header (null: none sent). */
  signature?: string | null;
  contentType?: string;
};

/** POSTs `body` (an object is JSON-encoded) signed as a provider holding `secret` signs it. */
export async function postWebhook(
  ctx: AuthTestContext,
  body: unknown,
  options: WebhookOptions = {},
): Promise<Response> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? String(nowSeconds());
  const signature =
    options.signature === undefined
      ? `v1=${await webhookSignature(options.secret ?? WEBHOOK_SECRET, timestamp, raw)}`
      : options.signature;
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
    "x-portcullis-timestamp": timestamp,
  };
  if (signature !== null) headers["x-portcullis-signature"] = signature;
  return ctx.worker.fetch(WEBHOOK_PATH, { method: "POST", headers, body: raw });
}

export type DeliveryRow = {
  id: string;
  user_id: string | null;
  recipient_hash: string;
  channel: string;
  template: string;
  status: string;
  provider_message_id: string | null;
  attempts: number;
  error_reason: string | null;
};

/** The user's delivery log, oldest first. */
export const deliveriesOf = (ctx: AuthTestContext, userId: string) =>
  ctx.sql<DeliveryRow>("SELECT * FROM delivery_log WHERE user_id = $1 ORDER BY created_at, id", [userId]);

/** The newest log row of `template` for the user. */
export async function lastDelivery(ctx: AuthTestContext, userId: string, template: string): Promise<DeliveryRow> {
  const rows = await ctx.sql<DeliveryRow>(
    "SELECT * FROM delivery_log WHERE user_id = $1 AND template = $2 ORDER BY created_at DESC, id DESC LIMIT 1",
    [userId, template],
  );
  if (!rows[0]) throw new Error(`no ${template} delivery for ${userId}`);
  return rows[0];
}

/** Everything a webhook could change: row counts plus the log's statuses and the users' marks. */
export async function deliverySnapshot(ctx: AuthTestContext) {
  const [state] = await ctx.sql<Record<string, unknown>>(
    `SELECT
       (SELECT count(*)::int FROM delivery_webhook_events) AS events,
       (SELECT string_agg(id || ':' || status || ':' || coalesce(error_reason, '') || ':' || coalesce(reported_at::text, ''), ',' ORDER BY id) FROM delivery_log) AS log,
       (SELECT string_agg(id || ':' || coalesce(email_undeliverable_at::text, ''), ',' ORDER BY id) FROM users) AS marks`,
  );
  return { ...(await ctx.snapshot()), ...state };
}
