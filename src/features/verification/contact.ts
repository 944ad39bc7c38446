// Changing the email address and verifying a phone number: the new value is proven by a code sent to
// it before it is stored; the old address is told about a change.

import type { CodePurpose } from "../../db/generated/client.ts";
import { type DeliverySettings, sendEmail, sendMessage } from "../../delivery/mailer.ts";
import { emailChangeCodeMessage, emailChangedNoticeMessage, phoneCodeMessage } from "../../delivery/templates.ts";
import { clearCounter, reserve } from "../account/counters.ts";
import { PASSWORD_PROVIDER } from "../account/repository.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { notifyFor } from "../notifications/notify.ts";
import type { ClientInfo } from "../session/service.ts";
import { consumeCode, issueCode, revokeCode } from "./codes.ts";
import { reserveSend } from "./send-limits.ts";
import { EMAIL_CODE_TTL_SECONDS, HOUR, type SendResult, type VerificationDeps } from "./service.ts";

const CODE_FREE_FAILURES = 5;

export type ContactDeps = VerificationDeps & { sms: DeliverySettings | undefined };

type Refused = { kind: "throttled"; retryAfterSeconds: number };

const refusal = (reservation: Awaited<ReturnType<typeof reserve>>): Refused | null =>
  reservation.kind === "open"
    ? null
    : { kind: "throttled", retryAfterSeconds: reservation.kind === "throttled" ? reservation.retryAfterSeconds : HOUR };

/** Counts the send per user, target and client (atomically, before anything else), then issues and delivers. */
async function sendCode(
  deps: ContactDeps,
  input: {
    userId: string;
    purpose: "EMAIL_CHANGE" | "PHONE_VERIFICATION";
    target: string;
    limitHash: string | null;
    deliver: (code: string) => Promise<{ ok: boolean }>;
  },
): Promise<SendResult> {
  const allowed = await reserveSend(deps.db, deps.serverKeys, {
    purpose: input.purpose === "EMAIL_CHANGE" ? "email_change" : "phone_verification",
    address: input.target,
    userId: input.userId,
    limitHash: input.limitHash,
    now: deps.now,
  });
  if (allowed.kind !== "open") return allowed;
  return issueAndDeliver(deps, input);
}

async function issueAndDeliver(
  deps: ContactDeps,
  input: { userId: string; purpose: CodePurpose; target: string; deliver: (code: string) => Promise<{ ok: boolean }> },
): Promise<SendResult> {
  const issued = await issueCode(deps.db, deps.serverKeys, {
    userId: input.userId,
    purpose: input.purpose,
    target: input.target,
    withCode: true,
    ttlSeconds: EMAIL_CODE_TTL_SECONDS,
    now: deps.now,
  });
  const delivered = await input.deliver(issued.code ?? "");
  if (!delivered.ok) {
    await revokeCode(deps.db, issued.id, deps.now);
    return { kind: "delivery_failed" };
  }
  return { kind: "sent" };
}

/** Checks a code with the per-user failure count (kept across resends); the target it proved, or why not. */
async function proveCode(
  deps: ContactDeps,
  input: { userId: string; purpose: CodePurpose; code: string },
): Promise<{ kind: "proved"; target: string } | { kind: "invalid" } | Refused> {
  const counterKey = `code:${input.purpose.toLowerCase()}:${input.userId}`;
  const refused = refusal(
    await reserve(deps.db, counterKey, { freeAttempts: CODE_FREE_FAILURES, windowSeconds: 0 }, deps.now),
  );
  if (refused) return refused;
  const consumed = await consumeCode(deps.db, deps.serverKeys, { ...input, now: deps.now });
  if (!consumed) return { kind: "invalid" };
  await clearCounter(deps.db, counterKey);
  return { kind: "proved", target: consumed.target };
}

export type EmailChangeRequest = Refused | { kind: "accepted"; delivery: Promise<unknown> };

/**
 * Sends a code to the new address. The limit is counted first and the code is issued and mailed
 * after the response (callers defer `delivery`), so a taken address (no code, no mail) gets the
 * same answer, at the same time and under the same limit, as a free one (L1).
 */
export async function requestEmailChange(
  deps: ContactDeps,
  input: { userId: string; newEmail: string; limitHash: string | null },
): Promise<EmailChangeRequest> {
  const allowed = await reserveSend(deps.db, deps.serverKeys, {
    purpose: "email_change",
    address: input.newEmail,
    userId: input.userId,
    limitHash: input.limitHash,
    now: deps.now,
  });
  if (allowed.kind !== "open") return allowed;
  const taken = await deps.db.user.findUnique({ where: { email: input.newEmail }, select: { id: true } });
  // A taken address gets a code too, never sent: it supersedes the pending one exactly as a free
  // address's does, so what a pending code can still do tells nothing about the address (review 2, F1).
  // Confirming it fails anyway: the database refuses the duplicate address.
  const delivery = issueAndDeliver(deps, {
    userId: input.userId,
    purpose: "EMAIL_CHANGE",
    target: input.newEmail,
    deliver: async (code) => {
      if (taken) return { ok: true };
      return sendEmail(
        deps.db,
        deps.mail,
        input.newEmail,
        emailChangeCodeMessage({ code, minutes: EMAIL_CODE_TTL_SECONDS / 60 }),
      );
    },
  });
  return { kind: "accepted", delivery };
}

export type ChangeResult = { kind: "changed"; email: string; previous: string } | { kind: "invalid" } | Refused;

/** Replaces the address with the one the code proved (now verified) and notifies the old address. */
export async function confirmEmailChange(
  deps: ContactDeps,
  input: { userId: string; code: string; client: ClientInfo },
): Promise<ChangeResult> {
  const proved = await proveCode(deps, { userId: input.userId, purpose: "EMAIL_CHANGE", code: input.code });
  if (proved.kind !== "proved") return proved;
  const user = await deps.db.user.findUnique({ where: { id: input.userId } });
  if (!user) return { kind: "invalid" };
  try {
    await deps.db.$transaction([
      // A new address starts deliverable: the undeliverable mark was the old one's (issue 15).
      deps.db.user.update({
        where: { id: user.id },
        data: {
          email: proved.target,
          emailVerifiedAt: deps.now,
          emailUndeliverableAt: null,
          emailUndeliverableReason: null,
        },
      }),
      deps.db.account.updateMany({
        where: { userId: user.id, provider: PASSWORD_PROVIDER },
        data: { providerAccountId: proved.target },
      }),
      // Reset links and verification codes mailed to the old address prove nothing any more (L3).
      deps.db.verificationCode.updateMany({
        where: { userId: user.id, target: user.email, consumedAt: null },
        data: { consumedAt: deps.now },
      }),
    ]);
  } catch (error) {
    // Someone verified the address first.
    if ((error as { code?: string }).code === "P2002") return { kind: "invalid" };
    throw error;
  }
  await sendEmail(deps.db, deps.mail, user.email, emailChangedNoticeMessage({ newEmail: proved.target }));
  await recordAuditEvent(deps.db, { action: "email.changed", success: true, userId: user.id, ...input.client });
  // In-app only: the notice to the old address above is this event's mail (never a second one).
  await notifyFor(deps, "email.changed", { userId: user.id, data: {} });
  if (user.emailUndeliverableAt)
    await recordAuditEvent(deps.db, {
      action: "email.undeliverable_cleared",
      success: true,
      userId: user.id,
      metadata: { via: "email_change" },
      ...input.client,
    });
  return { kind: "changed", email: proved.target, previous: user.email };
}

/** Sends an SMS code to `phone` (E.164, already validated). */
export async function requestPhoneVerification(
  deps: ContactDeps,
  input: { userId: string; phone: string; limitHash: string | null },
): Promise<SendResult> {
  const sms = deps.sms;
  if (!sms) return { kind: "delivery_failed" };
  return sendCode(deps, {
    userId: input.userId,
    purpose: "PHONE_VERIFICATION",
    target: input.phone,
    limitHash: input.limitHash,
    deliver: (code) =>
      sendMessage(deps.db, sms, "SMS", input.phone, phoneCodeMessage({ code, minutes: EMAIL_CODE_TTL_SECONDS / 60 })),
  });
}

export type PhoneResult = { kind: "verified"; phone: string } | { kind: "invalid" } | { kind: "in_use" } | Refused;

/** Stores the number the code proved as the user's verified phone; numbers are unique among users. */
export async function confirmPhone(
  deps: ContactDeps,
  input: { userId: string; code: string; client: ClientInfo },
): Promise<PhoneResult> {
  const proved = await proveCode(deps, { userId: input.userId, purpose: "PHONE_VERIFICATION", code: input.code });
  if (proved.kind !== "proved") return proved;
  try {
    await deps.db.user.update({
      where: { id: input.userId },
      data: { phoneNumber: proved.target, phoneVerifiedAt: deps.now },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return { kind: "in_use" };
    throw error;
  }
  await recordAuditEvent(deps.db, { action: "phone.verified", success: true, userId: input.userId, ...input.client });
  return { kind: "verified", phone: proved.target };
}
