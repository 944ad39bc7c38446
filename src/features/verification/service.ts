// Email verification: codes and links by mail (at signup, on request), consumed once, rate limited.
import type { Config } from "../../config/index.ts";
import { type MailSettings, sendEmail } from "../../delivery/mailer.ts";
import { emailVerificationMessage, signupAttemptNoticeMessage } from "../../delivery/templates.ts";
import { clearGuessCounters, counterKeysFor, guessKeysFor, reserve } from "../account/counters.ts";
import { recordAuditEvent } from "../audit/service.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import { checkCode, consumeToken, issueCode, peekToken, revokeCode, revokeOpenCodes } from "./codes.ts";
import { clearAddressSends, recordSend, reserveSend } from "./send-limits.ts";

export const EMAIL_CODE_TTL_SECONDS = 10 * 60;
export const HOUR = 3600;
/** Wrong verification codes per (address, client) before delays start (kept across resends). */
const CODE_FREE_FAILURES = 5;
/**
 * Wrong codes for one address from every client since its last success past which each wrong code
 * kills the address's open codes (the owner asks for a new one): a cap, never a delay.
 */
const CODE_ADDRESS_CAP = 10;
/** A count that never delays: the address-wide key only counts. */
const NEVER = 2_147_483_647;

export type VerificationDeps = SessionDeps & {
  mail: MailSettings;
  appUrl: string;
  policy: Pick<Config, "passwordMinLength" | "lockoutFailures" | "passwordHashParams">;
};

export type SendResult =
  | { kind: "sent" }
  | { kind: "already_verified" }
  | { kind: "throttled"; retryAfterSeconds: number }
  | { kind: "delivery_failed" };

/**
 * Where the mailed link points: the hosted page, which only shows a confirmation (its form's POST
 * consumes). `returnTo` (already validated) rides along so the browser ends up where signup began.
 */
export const verificationLink = (appUrl: string, token: string, returnTo?: string) =>
  `${appUrl}/auth/verify-email?token=${encodeURIComponent(token)}${returnToParameter(returnTo)}`;

/** `&return_to=…` for a mailed link, nothing for the default destination. */
export const returnToParameter = (returnTo: string | undefined) =>
  returnTo && returnTo !== "/" ? `&return_to=${encodeURIComponent(returnTo)}` : "";

/** Issues a code and link for the user's address and mails them; a new code invalidates the last. */
async function mailVerificationCode(
  deps: VerificationDeps,
  user: { id: string; email: string },
  returnTo?: string,
): Promise<SendResult> {
  const issued = await issueCode(deps.db, deps.serverKeys, {
    userId: user.id,
    purpose: "EMAIL_VERIFICATION",
    target: user.email,
    withCode: true,
    ttlSeconds: EMAIL_CODE_TTL_SECONDS,
    now: deps.now,
  });
  const link = verificationLink(deps.appUrl, issued.token, returnTo);
  const message = emailVerificationMessage({ code: issued.code ?? "", link, minutes: EMAIL_CODE_TTL_SECONDS / 60 });
  const delivered = await sendEmail(deps.db, deps.mail, user.email, message);
  if (!delivered.ok) {
    await revokeCode(deps.db, issued.id, deps.now);
    return { kind: "delivery_failed" };
  }
  return { kind: "sent" };
}

/** The signed-in user asks again: 429 past the hourly limit (it is their own address, nothing to hide). */
export async function requestEmailVerification(
  deps: VerificationDeps,
  userId: string,
  client: ClientInfo,
): Promise<SendResult> {
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) return { kind: "delivery_failed" };
  // A verified address the provider reported undeliverable may be verified again (issue 15).
  if (user.emailVerifiedAt && !user.emailUndeliverableAt) return { kind: "already_verified" };
  const allowed = await reserveSend(deps.db, deps.serverKeys, {
    purpose: "email_verification",
    address: user.email,
    limitHash: client.limitHash,
    now: deps.now,
  });
  if (allowed.kind !== "open") return allowed;
  return mailVerificationCode(deps, user);
}

/**
 * Someone without a session lost the mail: counted per address and client before anything looks
 * the address up, and mailed only to an unverified account. Callers answer the same for every
 * address and run this after the response.
 */
export async function requestEmailVerificationByAddress(
  deps: VerificationDeps,
  email: string,
  client: ClientInfo,
  returnTo?: string,
): Promise<void> {
  const allowed = await reserveSend(deps.db, deps.serverKeys, {
    purpose: "email_verification",
    address: email,
    limitHash: client.limitHash,
    now: deps.now,
  });
  if (allowed.kind !== "open") return;
  const user = await deps.db.user.findUnique({ where: { email } });
  if (!user || (user.emailVerifiedAt && !user.emailUndeliverableAt) || user.status !== "ACTIVE") return;
  await mailVerificationCode(deps, user, returnTo);
}

/**
 * The one mail a signup sends, after the response: the code and link to a new account, or to the
 * owner of a taken address a notice that someone tried (counted against the usual limits). A new
 * account's mail is always sent once (the signup limit per client bounds it) and counted, after the
 * address's counts from before it had an account are forgotten: a stranger's requests for an address
 * nobody owned yet must not hold back its owner's mail (review of issue 10, D2).
 */
export async function mailAfterSignup(
  deps: VerificationDeps,
  input: { email: string; newUserId: string | null; client: ClientInfo; returnTo?: string },
): Promise<void> {
  const send = { purpose: "email_verification", address: input.email, limitHash: input.client.limitHash } as const;
  if (input.newUserId) {
    await clearAddressSends(deps.db, deps.serverKeys, input.email);
    await recordSend(deps.db, deps.serverKeys, { ...send, userId: input.newUserId, now: deps.now });
    await mailVerificationCode(deps, { id: input.newUserId, email: input.email }, input.returnTo);
    return;
  }
  const allowed = await reserveSend(deps.db, deps.serverKeys, { ...send, now: deps.now });
  if (allowed.kind === "open") await sendEmail(deps.db, deps.mail, input.email, signupAttemptNoticeMessage());
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
  await clearUndeliverableMark(deps, { userId, email: target, client });
  return { kind: "verified", userId };
}

/** Mail proved to reach `email` again: it is deliverable from now on (issue 15), audited when it was not. */
async function clearUndeliverableMark(
  deps: VerificationDeps,
  input: { userId: string; email: string; client: ClientInfo },
): Promise<void> {
  const cleared = await deps.db.user.updateMany({
    where: { id: input.userId, email: input.email, emailUndeliverableAt: { not: null } },
    data: { emailUndeliverableAt: null, emailUndeliverableReason: null },
  });
  if (cleared.count > 0)
    await recordAuditEvent(deps.db, {
      action: "email.undeliverable_cleared",
      success: true,
      userId: input.userId,
      metadata: { via: "verification" },
      ...input.client,
    });
}

/** Whether a link token is live, read only: what the link's page (GET) may do. */
export async function checkVerificationToken(deps: VerificationDeps, token: string): Promise<boolean> {
  return (await peekToken(deps.db, deps.serverKeys, { purpose: "EMAIL_VERIFICATION", token, now: deps.now })) !== null;
}

export type VerifyInput =
  | { token: string; client: ClientInfo }
  | { code: string; userId: string; client: ClientInfo }
  | { code: string; email: string; client: ClientInfo };

/**
 * Verifies with the link token, or a code of the signed-in user or of the given address. Wrong codes
 * count per (address, client) across resends, with delays as for sign-ins, and per address from every
 * client, only as a cap: past it each wrong code kills the open codes, so nobody can keep the owner's
 * right code waiting (review of issue 10, D4). Each code also dies after 5 wrong tries. An unknown
 * address is counted and checked by the same statements as a known one (D1).
 */
export async function verifyEmail(deps: VerificationDeps, input: VerifyInput): Promise<VerifyResult> {
  if ("token" in input) {
    const consumed = await consumeToken(deps.db, deps.serverKeys, {
      purpose: "EMAIL_VERIFICATION",
      token: input.token,
      now: deps.now,
    });
    return consumed ? markVerified(deps, consumed.userId, consumed.target, input.client) : { kind: "invalid" };
  }
  // Without a session the address is never looked up on its own: checkCode resolves it in its statement.
  const address =
    "email" in input
      ? input.email
      : ((await deps.db.user.findUnique({ where: { id: input.userId }, select: { email: true } }))?.email ??
        input.userId);
  const owner = "email" in input ? { email: input.email } : { userId: input.userId };
  const scope = `code:email_verification:${(await counterKeysFor(deps.serverKeys, address, null)).account}`;
  const keys = guessKeysFor(scope, input.client);
  const pair = await reserve(deps.db, keys.pair, { freeAttempts: CODE_FREE_FAILURES, windowSeconds: 0 }, deps.now);
  if (pair.kind !== "open")
    return { kind: "throttled", retryAfterSeconds: "retryAfterSeconds" in pair ? pair.retryAfterSeconds : HOUR };
  const counted = await reserve(deps.db, keys.scope, { freeAttempts: NEVER, windowSeconds: 0 }, deps.now);
  const checked = await checkCode(deps.db, deps.serverKeys, {
    owner,
    purpose: "EMAIL_VERIFICATION",
    code: input.code,
    now: deps.now,
  });
  if (checked.kind === "miss") {
    if (counted.kind === "open" && counted.failures >= CODE_ADDRESS_CAP)
      await revokeOpenCodes(deps.db, { owner, purpose: "EMAIL_VERIFICATION", now: deps.now });
    await recordAuditEvent(deps.db, {
      action: "email.verification_failed",
      success: false,
      userId: checked.userId,
      ...input.client,
    });
    return { kind: "invalid" };
  }
  await clearGuessCounters(deps.db, keys);
  return markVerified(deps, checked.userId, checked.target, input.client);
}
