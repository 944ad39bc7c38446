// Sends email and SMS through a provider chosen by config, recording every message in the outbox
// table: `outbox` keeps the message for development (GET /dev/outbox), `http` posts it to a JSON API.
import type { Database } from "../db/client.ts";

export type Channel = "EMAIL" | "SMS";

export type DeliverySettings = {
  provider: "outbox" | "http";
  httpUrl: string | undefined;
  httpToken: string | undefined;
  /** Sender: an email address, or an SMS sender id. */
  from: string;
};

/** The mail channel's settings (every channel has the same shape). */
export type MailSettings = DeliverySettings;

export type OutgoingMessage = { template: string; subject: string | null; text: string; html: string | null };

export type DeliveryResult = { ok: true } | { ok: false };

const HTTP_TIMEOUT_MS = 5_000;
const HTTP_ATTEMPTS = 3;

async function postOnce(
  settings: DeliverySettings,
  recipient: string,
  message: OutgoingMessage,
): Promise<string | null> {
  try {
    const response = await fetch(settings.httpUrl ?? "", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(settings.httpToken ? { authorization: `Bearer ${settings.httpToken}` } : {}),
      },
      body: JSON.stringify({
        from: settings.from,
        to: recipient,
        subject: message.subject,
        text: message.text,
        html: message.html,
      }),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok ? null : `HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error && error.name === "TimeoutError" ? "timeout" : "network error";
  }
}

/**
 * Delivers `message` to `recipient` on `channel`. The http provider retries a bounded number of
 * times and never stores the body (it holds a code or link); failures keep a reason, not content.
 */
export async function sendMessage(
  db: Database,
  settings: DeliverySettings,
  channel: Channel,
  recipient: string,
  message: OutgoingMessage,
): Promise<DeliveryResult> {
  if (settings.provider === "outbox") {
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
    return { ok: true };
  }
  const row = await db.outboxMessage.create({
    data: { channel, recipient, template: message.template, subject: message.subject },
  });
  let lastError: string | null = null;
  for (let attempt = 1; attempt <= HTTP_ATTEMPTS; attempt++) {
    lastError = await postOnce(settings, recipient, message);
    if (lastError === null) {
      await db.outboxMessage.update({
        where: { id: row.id },
        data: { status: "SENT", attempts: attempt, sentAt: new Date() },
      });
      return { ok: true };
    }
  }
  await db.outboxMessage.update({
    where: { id: row.id },
    data: { status: "FAILED", attempts: HTTP_ATTEMPTS, lastError },
  });
  return { ok: false };
}

export const sendEmail = (db: Database, settings: DeliverySettings, recipient: string, message: OutgoingMessage) =>
  sendMessage(db, settings, "EMAIL", recipient, message);
