// The delivery log (issue 15): one row per mail or SMS, keyed to the user whose address or number it
// went to and to an HMAC of the address; never the body, a code or the raw address.
import { encodeHexLowerCase } from "@oslojs/encoding";
import { hmacSha256 } from "../crypto/bytes.ts";
import { deriveServerKeys } from "../crypto/server-keys.ts";
import type { Database } from "../db/client.ts";

export type Channel = "EMAIL" | "SMS";

/** Templates that still go to an address marked undeliverable: the user asked to prove it works again. */
const SENT_TO_UNDELIVERABLE = new Set(["email_verification"]);

/** The one form an address is hashed and looked up in (as features/account/email.ts stores it). */
export function normalizeRecipient(channel: Channel, recipient: string): string {
  return channel === "EMAIL" ? recipient.normalize("NFKC").trim().toLowerCase() : recipient.trim();
}

/** HMAC-SHA-256 of the normalized address or number under a key derived from AUTH_SECRET, as hex. */
export async function hashRecipient(authSecret: string, channel: Channel, recipient: string): Promise<string> {
  const keys = await deriveServerKeys(authSecret);
  const mac = await hmacSha256(keys.deliveryRecipient, `${channel}:${normalizeRecipient(channel, recipient)}`);
  return encodeHexLowerCase(mac);
}

export type OpenedEntry = { id: string; undeliverable: boolean };

/**
 * Opens a PENDING row for a message about to be sent. `undeliverable` is true when the address is a
 * user's email marked undeliverable and the template may not go there.
 */
export async function openDeliveryEntry(
  db: Database,
  input: { authSecret: string; channel: Channel; recipient: string; template: string },
): Promise<OpenedEntry> {
  const normalized = normalizeRecipient(input.channel, input.recipient);
  const user =
    input.channel === "EMAIL"
      ? await db.user.findUnique({ where: { email: normalized }, select: { id: true, emailUndeliverableAt: true } })
      : await db.user.findUnique({ where: { phoneNumber: normalized }, select: { id: true } });
  const entry = await db.deliveryLogEntry.create({
    data: {
      userId: user?.id ?? null,
      recipientHash: await hashRecipient(input.authSecret, input.channel, input.recipient),
      channel: input.channel,
      template: input.template,
    },
    select: { id: true },
  });
  const marked = user !== null && "emailUndeliverableAt" in user && user.emailUndeliverableAt !== null;
  return { id: entry.id, undeliverable: marked && !SENT_TO_UNDELIVERABLE.has(input.template) };
}

/** The provider accepted the message after `attempts` tries; `providerMessageId` defaults to the row id. */
export async function recordDeliverySent(
  db: Database,
  input: { id: string; attempts: number; providerMessageId: string | null; now: Date },
): Promise<void> {
  await db.deliveryLogEntry.update({
    where: { id: input.id },
    data: {
      status: "SENT",
      attempts: input.attempts,
      sentAt: input.now,
      providerMessageId: input.providerMessageId ?? input.id,
    },
  });
}

/** The message was not sent: `reason` is short and never content (`HTTP 500`, `undeliverable`). */
export async function recordDeliveryFailed(
  db: Database,
  input: { id: string; attempts: number; reason: string },
): Promise<void> {
  await db.deliveryLogEntry.update({
    where: { id: input.id },
    data: { status: "FAILED", attempts: input.attempts, errorReason: input.reason },
  });
}
