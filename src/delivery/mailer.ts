// Sends email and SMS through a provider chosen by config, logging every message in the delivery log
// (no bodies): `outbox` also keeps the whole message for development (GET /dev/outbox), `http` posts
// it to a JSON API. Mail to an address marked undeliverable is refused and logged as FAILED.
import type { Database } from "../db/client.ts";
import { type Channel, openDeliveryEntry, recordDeliveryFailed, recordDeliverySent } from "./log.ts";

export type { Channel } from "./log.ts";

export type DeliverySettings = {
  provider: "outbox" | "http";
  httpUrl: string | undefined;
  httpToken: string | undefined;
  /** Sender: an email address, or an SMS sender id. */
  from: string;
  /** AUTH_SECRET: the delivery log's recipient-hash key is derived from it. */
  authSecret: string;
};

/** The mail channel's settings (every channel has the same shape). */
export type MailSettings = DeliverySettings;

export type OutgoingMessage = { template: string; subject: string | null; text: string; html: string | null };

export type DeliveryResult = { ok: true } | { ok: false };

const HTTP_TIMEOUT_MS = 5_000;
const HTTP_ATTEMPTS = 3;
const PROVIDER_ID = /^[\x21-\x7e]{1,200}$/;

type PostOutcome = { ok: true; providerMessageId: string | null } | { ok: false; reason: string };

/** The provider's id for the message, when its JSON answer carries one (`id` or `message_id`). */
async function providerIdFrom(response: Response): Promise<string | null> {
  if (!/json/i.test(response.headers.get("content-type") ?? "")) {
    await response.body?.cancel();
    return null;
  }
  try {
    const body = (await response.json()) as { id?: unknown; message_id?: unknown };
    const id = typeof body.id === "string" ? body.id : body.message_id;
    return typeof id === "string" && PROVIDER_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

async function postOnce(
  settings: DeliverySettings,
  recipient: string,
  message: OutgoingMessage,
  messageId: string,
): Promise<PostOutcome> {
  try {
    const response = await fetch(settings.httpUrl ?? "", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(settings.httpToken ? { authorization: `Bearer ${settings.httpToken}` } : {}),
      },
      body: JSON.stringify({
        message_id: messageId,
        from: settings.from,
        to: recipient,
        subject: message.subject,
        text: message.text,
        html: message.html,
      }),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: `HTTP ${response.status}` };
    }
    return { ok: true, providerMessageId: await providerIdFrom(response) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error && error.name === "TimeoutError" ? "timeout" : "network error" };
  }
}

/**
 * Delivers `message` to `recipient` on `channel`. The http provider retries a bounded number of
 * times; the log keeps a reason on failure, never content (the body holds a code or link).
 */
export async function sendMessage(
  db: Database,
  settings: DeliverySettings,
  channel: Channel,
  recipient: string,
  message: OutgoingMessage,
): Promise<DeliveryResult> {
  const entry = await openDeliveryEntry(db, {
    authSecret: settings.authSecret,
    channel,
    recipient,
    template: message.template,
  });
  if (entry.undeliverable) {
    await recordDeliveryFailed(db, { id: entry.id, attempts: 0, reason: "undeliverable" });
    return { ok: false };
  }
  if (settings.provider === "outbox") {
    // Development and tests only (config refuses the outbox in production): the body is kept here.
    await db.outboxMessage.create({
      data: {
        channel,
        recipient,
        template: message.template,
        subject: message.subject,
        text: message.text,
        html: message.html,
      },
    });
    await recordDeliverySent(db, { id: entry.id, attempts: 1, providerMessageId: null, now: new Date() });
    return { ok: true };
  }
  let reason = "";
  for (let attempt = 1; attempt <= HTTP_ATTEMPTS; attempt++) {
    const outcome = await postOnce(settings, recipient, message, entry.id);
    if (outcome.ok) {
      const providerMessageId = outcome.providerMessageId;
      await recordDeliverySent(db, { id: entry.id, attempts: attempt, providerMessageId, now: new Date() });
      return { ok: true };
    }
    reason = outcome.reason;
  }
  await recordDeliveryFailed(db, { id: entry.id, attempts: HTTP_ATTEMPTS, reason });
  return { ok: false };
}

export const sendEmail = (db: Database, settings: DeliverySettings, recipient: string, message: OutgoingMessage) =>
  sendMessage(db, settings, "EMAIL", recipient, message);
