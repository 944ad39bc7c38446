// Password reset: a link by mail (same answer for every address), and with two-step sign-in on, a
// second factor besides the link. Ends every session and clears a lockout.
import { hashPassword } from "../../crypto/password.ts";
import { sendEmail } from "../../delivery/mailer.ts";
import { passwordResetMessage } from "../../delivery/templates.ts";
import { markUserNotBefore } from "../../kv/revocation.ts";
import { clearScope, counterKeysFor, passwordGuessKeys, takeBackClientFailuresAt } from "../account/counters.ts";
import { findPasswordProblem, type PasswordProblem } from "../account/password-policy.ts";
import { PASSWORD_PROVIDER } from "../account/repository.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { cancelUserDeletion } from "../lifecycle/repository.ts";
import { isRecoverable, retentionCutoff } from "../lifecycle/service.ts";
import {
  hasSecondFactor,
  methodOf,
  type SecondFactor,
  type SecondFactorMethod,
  secondFactorMethods,
  verifySecondFactor,
} from "../mfa/factors.ts";
import { clearSecondFactorCounters, recordSecondFactorFailure, reserveResetSecondFactorGuess } from "../mfa/guesses.ts";
import { notifyFor } from "../notifications/notify.ts";
import { assertionOptionsForUser, type WebauthnSettings } from "../passkeys/assertion.ts";
import { type ClientInfo, revokeSessions } from "../session/service.ts";
import { consumeToken, issueCode, peekToken, reserveTokenAttempt, revokeCode, takeBackTokenAttempt } from "./codes.ts";
import { reserveSend } from "./send-limits.ts";
import { returnToParameter, type VerificationDeps } from "./service.ts";

export const RESET_TOKEN_TTL_SECONDS = 30 * 60;

/** A reset reaches a deleted account only within the retention, so it needs that setting. */
export type ResetRequestDeps = VerificationDeps & {
  policy: VerificationDeps["policy"] & { deletedUserRetentionDays: number };
};

/** A reset may be confirmed with a passkey, so it needs the WebAuthn settings too. */
export type ResetDeps = ResetRequestDeps & { webauthn: WebauthnSettings };

/**
 * Sends a reset link if the address belongs to an account. Callers answer the same either way and
 * run this after the response, so neither the answer nor its timing reveals whether it exists.
 */
export async function requestPasswordReset(
  deps: ResetRequestDeps,
  email: string,
  client: ClientInfo,
  returnTo?: string,
): Promise<void> {
  // Counted before the lookup: an unknown address uses up its allowance exactly like a known one.
  const allowed = await reserveSend(deps.db, deps.serverKeys, {
    purpose: "password_reset",
    address: email,
    limitHash: client.limitHash,
    now: deps.now,
  });
  if (allowed.kind !== "open") return;
  const user = await deps.db.user.findUnique({ where: { email } });
  // Past the retention a deleted account is as unknown as any other address (and is about to be scrubbed).
  if (!user || !isRecoverable(user, deps.now, deps.policy.deletedUserRetentionDays)) return;
  const issued = await issueCode(deps.db, deps.serverKeys, {
    userId: user.id,
    purpose: "PASSWORD_RESET",
    target: user.email,
    withCode: false,
    ttlSeconds: RESET_TOKEN_TTL_SECONDS,
    now: deps.now,
  });
  const link = `${deps.appUrl}/auth/reset-password?token=${encodeURIComponent(issued.token)}${returnToParameter(returnTo)}`;
  const delivered = await sendEmail(
    deps.db,
    deps.mail,
    user.email,
    passwordResetMessage({ link, minutes: RESET_TOKEN_TTL_SECONDS / 60 }),
  );
  if (!delivered.ok) await revokeCode(deps.db, issued.id, deps.now);
  await recordAuditEvent(deps.db, {
    action: "password.reset_requested",
    success: delivered.ok,
    userId: user.id,
    ...client,
  });
}

/**
 * A live reset link whose address is still its user's. A link mailed before an email change proves
 * the old address only, so it is refused like an expired one (the change also revokes it).
 */
async function peekResetToken(deps: ResetRequestDeps, token: string) {
  const valid = await peekToken(deps.db, deps.serverKeys, { purpose: "PASSWORD_RESET", token, now: deps.now });
  if (!valid) return null;
  const user = await deps.db.user.findUnique({
    where: { id: valid.userId },
    select: { email: true, status: true, deletedAt: true, scrubbedAt: true, deletedByAdmin: true },
  });
  if (!user || !isRecoverable(user, deps.now, deps.policy.deletedUserRetentionDays)) return null;
  return user.email === valid.target ? valid : null;
}

/**
 * What a reset link asks for, read only (the page's GET): null when the link is not live, else the
 * second factors that can confirm it — empty when resetPassword needs none. The same rule as
 * resetPassword's: the factors count once two-step sign-in is on.
 */
export async function resetLinkRequirements(
  deps: ResetRequestDeps,
  token: string,
): Promise<{ secondFactors: SecondFactorMethod[] } | null> {
  const valid = await peekResetToken(deps, token);
  if (!valid) return null;
  if (!(await hasSecondFactor(deps, valid.userId))) return { secondFactors: [] };
  return { secondFactors: await secondFactorMethods(deps, valid.userId) };
}

/**
 * WebAuthn options for confirming a reset with a passkey: only with a live reset link, and only the
 * link's user's passkeys can answer. Null when the link is not live or the user has no passkey.
 */
export async function passkeyOptionsForReset(deps: ResetDeps, input: { token: string; client: ClientInfo }) {
  const valid = await peekResetToken(deps, input.token);
  if (!valid) return { kind: "invalid" as const };
  return assertionOptionsForUser(deps, { userId: valid.userId, purpose: "password_reset", client: input.client });
}

export type ResetResult =
  | { kind: "reset"; userId: string }
  | { kind: "invalid" }
  | { kind: "weak_password"; problem: PasswordProblem }
  | { kind: "second_factor_required" }
  | { kind: "invalid_second_factor" }
  | { kind: "locked" }
  | { kind: "throttled"; retryAfterSeconds: number };

/**
 * Sets a new password with a reset link: ends every session (database and edge), clears a lockout
 * and its failure count, and audits. The token is only consumed once the new password is acceptable.
 */
export async function resetPassword(
  deps: ResetDeps,
  input: { token: string; password: string; secondFactor?: SecondFactor; client: ClientInfo },
): Promise<ResetResult> {
  const valid = await peekResetToken(deps, input.token);
  if (!valid) return { kind: "invalid" };
  const problem = findPasswordProblem(input.password, {
    minLength: deps.policy.passwordMinLength,
    email: valid.target,
  });
  if (problem) return { kind: "weak_password", problem };
  // With a second factor enabled, the mailbox alone is not enough: the reset also needs a TOTP code,
  // a passkey or, when those are lost, a recovery code ("flexible reset"). Audited either way.
  if (await hasSecondFactor(deps, valid.userId)) {
    if (!input.secondFactor) return { kind: "second_factor_required" };
    // Counted on the user's second-factor counters, as at sign-in (issue 10, H1).
    const allowed = await reserveResetSecondFactorGuess(deps, {
      userId: valid.userId,
      method: methodOf(input.secondFactor),
      lockAt: deps.policy.lockoutFailures,
    });
    if (allowed.kind === "locked") return { kind: "locked" };
    if (allowed.kind !== "open") return { kind: "throttled", retryAfterSeconds: allowed.retryAfterSeconds };
    // Each link takes at most MAX_CODE_ATTEMPTS wrong factors, then dies (issue 10 review, R4).
    const tokenInput = { purpose: "PASSWORD_RESET" as const, token: input.token, now: deps.now };
    if (!(await reserveTokenAttempt(deps.db, deps.serverKeys, tokenInput))) return { kind: "invalid" };
    const verified = await verifySecondFactor(deps, {
      userId: valid.userId,
      factor: input.secondFactor,
      client: input.client,
      purpose: "password_reset",
    });
    if (!verified) {
      const failed = { userId: valid.userId, failures: allowed.failures, client: input.client };
      await recordSecondFactorFailure(deps, { ...failed, lockAt: deps.policy.lockoutFailures });
      return { kind: "invalid_second_factor" };
    }
    await takeBackTokenAttempt(deps.db, deps.serverKeys, tokenInput);
    await recordAuditEvent(deps.db, {
      action: "password.reset_second_factor",
      success: true,
      userId: valid.userId,
      ...input.client,
      metadata: { method: methodOf(input.secondFactor) },
    });
  }
  const consumed = await consumeToken(deps.db, deps.serverKeys, {
    purpose: "PASSWORD_RESET",
    token: input.token,
    now: deps.now,
  });
  if (!consumed) return { kind: "invalid" };
  const passwordHash = await hashPassword(input.password, deps.policy.passwordHashParams);
  const { userId, target } = consumed;
  const written = await deps.db.$transaction(async (tx) => {
    // The user's row locked: an email change cannot slip between this check and the write (L3).
    const [owner] = await tx.$queryRaw<Array<{ id: string; status: string; deleted_at: Date | null }>>`
      SELECT id, status::text AS status, deleted_at FROM users WHERE id = ${userId}::uuid AND email = ${target} FOR UPDATE`;
    if (!owner) return false;
    // A reset within the retention cancels a deletion; after it, the link is dead (as for an unknown user).
    const cutoff = retentionCutoff(deps.now, deps.policy.deletedUserRetentionDays);
    if (owner.status === "DELETED" && !(await cancelUserDeletion(tx, userId, cutoff))) return false;
    // The user's one password credential, found by user id (never a second row keyed by an old address).
    const account = await tx.account.findFirst({
      where: { userId, provider: PASSWORD_PROVIDER },
      select: { id: true },
    });
    if (account) await tx.account.update({ where: { id: account.id }, data: { passwordHash } });
    else
      await tx.account.create({
        data: { userId, provider: PASSWORD_PROVIDER, providerAccountId: target, passwordHash },
      });
    // A new credential epoch: a session that began with the old password is refused (issue 10, M5).
    await tx.user.update({ where: { id: userId }, data: { lockedAt: null, credentialEpoch: { increment: 1 } } });
    // Following the mailed link proved the address, so it counts as verified.
    await tx.user.updateMany({ where: { id: userId, emailVerifiedAt: null }, data: { emailVerifiedAt: deps.now } });
    return { cancelledDeletion: owner.status === "DELETED" };
  });
  if (!written) return { kind: "invalid" };
  // The reset proved the mailbox: this client's failures at the account are taken back, and every
  // client's delay at it, its failure count and its lock are forgotten (issue 10 review, R5).
  const keys = await counterKeysFor(deps.serverKeys, target, input.client.limitHash);
  await takeBackClientFailuresAt(deps.db, passwordGuessKeys(keys, input.client));
  await clearScope(deps.db, keys.account);
  await clearSecondFactorCounters(deps, userId, input.client);
  await revokeSessions(deps, userId, {}, "password_reset");
  // Floor, not ceil: a sign-in with the new password in this same second must keep working.
  await markUserNotBefore(deps.kv, userId, Math.floor(deps.now.getTime() / 1000), deps.settings.accessTokenTtlSeconds);
  await recordAuditEvent(deps.db, { action: "password.reset", success: true, userId, ...input.client });
  await notifyFor(deps, "password.reset", { userId, data: { via: "reset" } });
  if (written.cancelledDeletion)
    await recordAuditEvent(deps.db, { action: "user.deletion_cancelled", success: true, userId, ...input.client });
  return { kind: "reset", userId };
}
