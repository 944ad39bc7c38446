// Email verification: codes and links by mail, consumed once, rate limited.
import type { Config } from "../../config/index.ts";
import { type MailSettings, sendEmail } from "../../delivery/mailer.ts";
import { emailVerificationMessage } from "../../delivery/templates.ts";
import { clearCounter, reserve } from "../account/counters.ts";
import { recordAuditEvent } from "../audit/service.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import { consumeCode, consumeToken, issueCode, revokeCode } from "./codes.ts";

export const EMAIL_CODE_TTL_SECONDS = 10 * 60;
/** Messages per purpose per user per hour. */
export const SENDS_PER_HOUR = 3;
export const HOUR = 3600;

export type VerificationDeps = SessionDeps & {
  mail: MailSettings;
  appUrl: string;
  policy: Pick<Config, "passwordMinLength" | "lockoutFailures">;
};

export type SendResult =
  | { kind: "sent" }
  | { kind: "already_verified" }
  | { kind: "throttled"; retryAfterSeconds: number }
  | { kind: "delivery_failed" };

/** Sends a 6-digit code and a link to the user's address; a resend invalidates the previous code. */
export async function requestEmailVerification(deps: VerificationDeps, userId: string): Promise<SendResult> {
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) return { kind: "delivery_failed" };
  if (user.emailVerifiedAt) return { kind: "already_verified" };
  const allowed = await reserve(
    deps.db,
    `send:email_verification:${userId}`,
    { freeAttempts: SENDS_PER_HOUR, windowSeconds: HOUR },
    deps.now,
  );
  if (allowed.kind !== "open")
    return { kind: "throttled", retryAfterSeconds: "retryAfterSeconds" in allowed ? allowed.retryAfterSeconds : HOUR };
  const issued = await issueCode(deps.db, deps.serverKeys, {
    userId,
    purpose: "EMAIL_VERIFICATION",
    target: user.email,
    withCode: true,
    ttlSeconds: EMAIL_CODE_TTL_SECONDS,
    now: deps.now,
  });
  const link = `${deps.appUrl}/verify-email?token=${encodeURIComponent(issued.token)}`;
  const message = emailVerificationMessage({ code: issued.code ?? "", link, minutes: EMAIL_CODE_TTL_SECONDS / 60 });
  const delivered = await sendEmail(deps.db, deps.mail, user.email, message);
  if (!delivered.ok) {
    await revokeCode(deps.db, issued.id, deps.now);
    return { kind: "delivery_failed" };
  }
  return { kind: "sent" };
}

export type VerifyResult =
  | { kind: "verified"; userId: string }
  | { kind: "invalid" }
  | { kind: "throttled"; retryAfterSeconds: number };

async function markVerified(
  deps: VerificationDeps,
  userId: string,
  target: string,
  client: ClientInfo,
): Promise<VerifyResult> {
  // The code proves the address it was sent to; if the email changed since, it proves nothing now.
  const updated = await deps.db.user.updateMany({
    where: { id: userId, email: target },
    data: { emailVerifiedAt: deps.now },
  });
  if (updated.count === 0) return { kind: "invalid" };
  await recordAuditEvent(deps.db, { action: "email.verified", success: true, userId, ...client });
  return { kind: "verified", userId };
}

/**
 * Verifies with the code (signed-in user) or the link token. Wrong codes count per user across
 * resends (a new code does not reset the count) and each code dies after 5 wrong tries.
 */
export async function verifyEmail(
  deps: VerificationDeps,
  input: { code: string; userId: string; client: ClientInfo } | { token: string; client: ClientInfo },
): Promise<VerifyResult> {
  if ("token" in input) {
    const consumed = await consumeToken(deps.db, deps.serverKeys, {
      purpose: "EMAIL_VERIFICATION",
      token: input.token,
      now: deps.now,
    });
    return consumed ? markVerified(deps, consumed.userId, consumed.target, input.client) : { kind: "invalid" };
  }
  const counterKey = `code:email_verification:${input.userId}`;
  const allowed = await reserve(deps.db, counterKey, { freeAttempts: 5, windowSeconds: 0 }, deps.now);
  if (allowed.kind !== "open")
    return { kind: "throttled", retryAfterSeconds: "retryAfterSeconds" in allowed ? allowed.retryAfterSeconds : HOUR };
  const consumed = await consumeCode(deps.db, deps.serverKeys, {
    userId: input.userId,
    purpose: "EMAIL_VERIFICATION",
    code: input.code,
    now: deps.now,
  });
  if (!consumed) {
    await recordAuditEvent(deps.db, {
      action: "email.verification_failed",
      success: false,
      userId: input.userId,
      ...input.client,
    });
    return { kind: "invalid" };
  }
  await clearCounter(deps.db, counterKey);
  return markVerified(deps, input.userId, consumed.target, input.client);
}
