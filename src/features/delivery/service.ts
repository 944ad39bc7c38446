// Applies a provider's delivery event to the log: delivered, bounced or complained about; a hard
// bounce or a complaint marks the user's current address undeliverable (audited).
import type { Database } from "../../db/client.ts";
import { hashRecipient } from "../../delivery/log.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { WEBHOOK_TOLERANCE_SECONDS } from "./signature.ts";

export type DeliveryEvent = {
  id: string;
  type: "bounce" | "complaint" | "delivered";
  messageId: string;
  recipient?: string | undefined;
  reason?: string | undefined;
  /** Bounces only: false for a soft (temporary) bounce, which marks nothing. */
  permanent?: boolean | undefined;
};

export type ApplyResult = { kind: "applied" } | { kind: "ignored" } | { kind: "replayed" };

/** Applied event ids are kept this long: older events are refused by their timestamp anyway. */
const EVENT_ID_RETENTION_MS = 2 * WEBHOOK_TOLERANCE_SECONDS * 1000;

const DEFAULT_REASONS = { bounce: "bounce", complaint: "complaint" } as const;

/**
 * Applies `event` once. Unknown message ids, and events whose recipient is not the one the message
 * went to, change nothing (`ignored`); an event id seen before is `replayed`.
 */
export async function applyDeliveryEvent(
  db: Database,
  input: { event: DeliveryEvent; authSecret: string; now: Date },
): Promise<ApplyResult> {
  const { event, now } = input;
  const entry = await db.deliveryLogEntry.findUnique({
    where: { providerMessageId: event.messageId },
    select: { id: true, channel: true, template: true, recipientHash: true, userId: true, createdAt: true },
  });
  if (!entry) return { kind: "ignored" };
  if (
    event.recipient !== undefined &&
    (await hashRecipient(input.authSecret, entry.channel, event.recipient)) !== entry.recipientHash
  )
    return { kind: "ignored" };
  const user = entry.userId
    ? await db.user.findUnique({
        where: { id: entry.userId },
        select: { id: true, email: true, emailUndeliverableAt: true, emailVerifiedAt: true },
      })
    : null;
  // The mark is for the address the message went to, and only while it is still the user's.
  const stillTheirs =
    entry.channel === "EMAIL" &&
    user !== null &&
    (await hashRecipient(input.authSecret, "EMAIL", user.email)) === entry.recipientHash;
  // A report on a message sent before the address was last verified is stale: mail reached it since.
  const sentBeforeVerification =
    user?.emailVerifiedAt !== null && user?.emailVerifiedAt !== undefined && entry.createdAt < user.emailVerifiedAt;
  const marks =
    !sentBeforeVerification && (event.type === "complaint" || (event.type === "bounce" && event.permanent !== false));
  return db.$transaction(async (tx) => {
    await tx.deliveryWebhookEvent.deleteMany({
      where: { receivedAt: { lt: new Date(now.getTime() - EVENT_ID_RETENTION_MS) } },
    });
    const recorded = await tx.deliveryWebhookEvent.createMany({
      data: [{ eventId: event.id, receivedAt: now }],
      skipDuplicates: true,
    });
    if (recorded.count === 0) return { kind: "replayed" } as const;
    if (event.type === "delivered") {
      await tx.deliveryLogEntry.update({ where: { id: entry.id }, data: { reportedAt: now } });
      return { kind: "applied" } as const;
    }
    const reason = (event.reason ?? DEFAULT_REASONS[event.type]).slice(0, 200);
    await tx.deliveryLogEntry.update({
      where: { id: entry.id },
      data: { status: event.type === "bounce" ? "BOUNCED" : "COMPLAINED", errorReason: reason, reportedAt: now },
    });
    if (marks && stillTheirs && user && user.emailUndeliverableAt === null) {
      const marked = await tx.user.updateMany({
        where: {
          id: user.id,
          email: user.email,
          emailUndeliverableAt: null,
          OR: [{ emailVerifiedAt: null }, { emailVerifiedAt: { lte: entry.createdAt } }],
        },
        data: { emailUndeliverableAt: now, emailUndeliverableReason: event.type },
      });
      if (marked.count > 0)
        await recordAuditEvent(tx as Database, {
          action: "email.undeliverable",
          success: true,
          userId: user.id,
          metadata: { reason: event.type, template: entry.template, deliveryId: entry.id, source: "provider_webhook" },
        });
    }
    return { kind: "applied" } as const;
  });
}
