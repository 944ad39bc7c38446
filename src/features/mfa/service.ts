// TOTP enrollment (confirmed by a first code), TOTP verification with a replay guard, and recovery codes.
import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI } from "@oslojs/otp";
import { renderSVG } from "uqr";
import { randomBytes } from "../../crypto/bytes.ts";
import { decryptSecret, encryptSecret } from "../../crypto/secret-box.ts";
import { hashCodeForStorage } from "../../crypto/server-keys.ts";
import { logger } from "../../http/logger.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { notifyFor } from "../notifications/notify.ts";
import { refreshAuthentication } from "../session/reissue.ts";
import { type ClientInfo, revokeSessions, type SessionDeps } from "../session/service.ts";
import { claimTotpStep, consumeRecoveryCode, findTotpCredential, replaceRecoveryCodes } from "./repository.ts";
import { needsReseal, resealTotpSecret } from "./rotation.ts";
import { matchTotpStep, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from "./totp.ts";

const RECOVERY_CODE_COUNT = 10;
/** 10 base32 characters = 50 bits each. */
const RECOVERY_CODE_BYTES = 7;

/** "ABCDE-FGHJK" style: case, spaces and dashes do not matter when it is typed back. */
const normalizeRecoveryCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, "");

export type Enrollment =
  | { kind: "started"; secret: string; otpauthUri: string; qrSvg: string }
  | { kind: "already_enabled" };

/** Starts (or restarts) enrollment with a new 160-bit secret; it is active only after confirmation. */
export async function startTotpEnrollment(
  deps: SessionDeps,
  user: { id: string; email: string },
  issuer: string,
): Promise<Enrollment> {
  const existing = await findTotpCredential(deps.db, user.id);
  if (existing?.confirmedAt) return { kind: "already_enabled" };
  const secret = randomBytes(20);
  const sealed = await encryptSecret(deps.serverKeys.secretBox, secret);
  await deps.db.totpCredential.upsert({
    where: { userId: user.id },
    update: {
      secretCiphertext: sealed.ciphertext,
      secretVersion: sealed.version,
      lastUsedStep: null,
      confirmedAt: null,
    },
    create: { userId: user.id, secretCiphertext: sealed.ciphertext, secretVersion: sealed.version },
  });
  return enrollmentFor(secret, user.email, issuer);
}

function enrollmentFor(secret: Uint8Array, email: string, issuer: string): Extract<Enrollment, { kind: "started" }> {
  const otpauthUri = createTOTPKeyURI(new URL(issuer).host, email, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
  return { kind: "started", secret: encodeBase32UpperCaseNoPadding(secret), otpauthUri, qrSvg: renderSVG(otpauthUri) };
}

/**
 * The enrollment started and not yet confirmed, read again from the server (the secret never travels
 * through the client between showing it and confirming it); null when there is none.
 */
export async function pendingTotpEnrollment(
  deps: SessionDeps,
  user: { id: string; email: string },
  issuer: string,
): Promise<Extract<Enrollment, { kind: "started" }> | null> {
  const credential = await findTotpCredential(deps.db, user.id);
  if (!credential || credential.confirmedAt) return null;
  const secret = await decryptSecret(deps.serverKeys.secretBox, {
    ciphertext: credential.secretCiphertext,
    version: credential.secretVersion,
  });
  return secret ? enrollmentFor(secret, user.email, issuer) : null;
}

/** Checks a TOTP code and records its step (refusing that step and earlier ones from now on). */
export async function acceptTotp(
  deps: SessionDeps,
  userId: string,
  code: string,
  confirming: boolean,
): Promise<boolean> {
  const credential = await findTotpCredential(deps.db, userId);
  if (!credential || (!confirming && !credential.confirmedAt) || (confirming && credential.confirmedAt)) return false;
  const secret = await decryptSecret(deps.serverKeys.secretBox, {
    ciphertext: credential.secretCiphertext,
    version: credential.secretVersion,
  });
  if (!secret) {
    // Not the user's fault: the key of this version is gone or the row was altered. Operators must see it.
    logger.error("totp secret unreadable", { userId, secretVersion: credential.secretVersion });
    return false;
  }
  const step = matchTotpStep(secret, code, { nowMs: deps.now.getTime(), lastUsedStep: credential.lastUsedStep });
  if (step === null || !(await claimTotpStep(deps.db, userId, step, confirming ? deps.now : undefined))) return false;
  // Key rotation, lazily: a secret still under an older key is sealed again under the current one.
  if (needsReseal(deps, credential)) await resealTotpSecret(deps, credential, secret);
  return true;
}

/** Generates a new set of recovery codes (the old set stops working) and returns them, once. */
export async function regenerateRecoveryCodes(
  deps: SessionDeps,
  userId: string,
  client: ClientInfo,
): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = encodeBase32UpperCaseNoPadding(randomBytes(RECOVERY_CODE_BYTES)).slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  const hashes = await Promise.all(
    codes.map((code) => hashCodeForStorage(deps.serverKeys, "recovery", normalizeRecoveryCode(code))),
  );
  await replaceRecoveryCodes(deps.db, userId, hashes);
  await recordAuditEvent(deps.db, { action: "mfa.recovery_codes_generated", success: true, userId, ...client });
  return codes;
}

/**
 * Confirms enrollment with a first valid code and turns two-step sign-in on. The confirming session
 * has just proven the code, so it now counts as multi-factor; every other session of the user has
 * not, so they end (a session opened with the password alone must not outlive the switch). Returns
 * the recovery codes to show once and the session's new access token.
 */
export async function confirmTotpEnrollment(
  deps: SessionDeps,
  input: { userId: string; sessionId: string; code: string; client: ClientInfo },
): Promise<{
  recoveryCodes: string[];
  accessToken: { accessToken: string; accessTokenExpiresAt: Date } | null;
} | null> {
  const { userId, client } = input;
  if (!(await acceptTotp(deps, userId, input.code, true))) return null;
  await recordAuditEvent(deps.db, { action: "mfa.totp_enabled", success: true, userId, ...client });
  await notifyFor(deps, "mfa.totp_enabled", { userId, data: { method: "totp" } });
  const recoveryCodes = await regenerateRecoveryCodes(deps, userId, client);
  await revokeSessions(deps, userId, { except: input.sessionId }, "mfa_enabled");
  // Null only if this session ended meanwhile; TOTP is on either way and the codes must be shown.
  const accessToken = await refreshAuthentication(deps, { sessionId: input.sessionId, userId, amr: ["otp"] });
  return { recoveryCodes, accessToken };
}

/** Spends an unused recovery code of the user's (audited); false for a wrong or used one. */
export async function useRecoveryCode(
  deps: SessionDeps,
  userId: string,
  code: string,
  client: ClientInfo,
): Promise<boolean> {
  const codeHash = await hashCodeForStorage(deps.serverKeys, "recovery", normalizeRecoveryCode(code));
  const used = await consumeRecoveryCode(deps.db, userId, codeHash, deps.now);
  if (used) await recordAuditEvent(deps.db, { action: "mfa.recovery_code_used", success: true, userId, ...client });
  return used;
}
