// Second factors as a whole: which ones a user has, and verifying one (a TOTP code, a recovery code or
// a passkey assertion) wherever a second factor is asked for: sign-in, password reset, turning TOTP off.
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Reservation, ThrottleSettings } from "../account/counters.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { notifyFor } from "../notifications/notify.ts";
import { type PasskeyDeps, verifyPasskeyAssertion } from "../passkeys/assertion.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import { recordSecondFactorFailure, recordSecondFactorSuccess, reserveSecondFactorGuess } from "./guesses.ts";
import { countUnusedRecoveryCodes, findTotpCredential } from "./repository.ts";
import { acceptTotp, useRecoveryCode } from "./service.ts";

export type SecondFactor = { totp: string } | { recoveryCode: string } | { passkey: AuthenticationResponseJSON };
export type SecondFactorMethod = "totp" | "passkey" | "recovery_code";

export const methodOf = (factor: SecondFactor): SecondFactorMethod =>
  "totp" in factor ? "totp" : "passkey" in factor ? "passkey" : "recovery_code";

/**
 * Two-step sign-in is on once a TOTP authenticator is confirmed (which also issues recovery codes).
 * From then on, any of the user's passkeys can stand in for the code.
 */
export async function hasSecondFactor(deps: Pick<SessionDeps, "db">, userId: string): Promise<boolean> {
  return Boolean((await findTotpCredential(deps.db, userId))?.confirmedAt);
}

/**
 * True when two-step sign-in is on but the session never proved a second factor ("mfa" missing from
 * its amr): such a session must not add or remove ways into the account.
 */
export async function lacksSecondFactorProof(
  deps: Pick<SessionDeps, "db">,
  session: { userId: string; amr: readonly string[] },
): Promise<boolean> {
  return !session.amr.includes("mfa") && (await hasSecondFactor(deps, session.userId));
}

export type MfaStatus = { totp: boolean; passkeys: number; recoveryCodesLeft: number };

/** The user's second factors: whether TOTP is on, how many passkeys and unused recovery codes there are. */
export async function mfaStatus(deps: Pick<SessionDeps, "db">, userId: string) {
  const [credential, passkeys, recoveryCodesLeft] = await Promise.all([
    findTotpCredential(deps.db, userId),
    deps.db.passkey.count({ where: { userId } }),
    countUnusedRecoveryCodes(deps.db, userId),
  ]);
  return { totp: Boolean(credential?.confirmedAt), passkeys, recoveryCodesLeft };
}

/** The methods that can finish a sign-in after the password; empty when two-step sign-in is off. */
export async function secondFactorMethods(
  deps: Pick<SessionDeps, "db">,
  userId: string,
): Promise<SecondFactorMethod[]> {
  return methodsOf(await mfaStatus(deps, userId));
}

/** See secondFactorMethods. */
export function methodsOf(status: MfaStatus): SecondFactorMethod[] {
  if (!status.totp) return [];
  const methods: SecondFactorMethod[] = ["totp"];
  if (status.passkeys > 0) methods.push("passkey");
  if (status.recoveryCodesLeft > 0) methods.push("recovery_code");
  return methods;
}

/**
 * Verifies a second factor of the user's: a TOTP code (replay-guarded), an unused recovery code, or a
 * passkey assertion whose challenge was issued to this user, this client and this purpose. Returns
 * the RFC 8176 methods it proved (a recovery code counts as a one-time password), or null after
 * auditing the failure (`mfa.failed` with the method and the purpose).
 */
export async function verifySecondFactor(
  deps: PasskeyDeps,
  input: {
    userId: string;
    factor: SecondFactor;
    client: ClientInfo;
    purpose: "second_factor" | "password_reset";
  },
): Promise<string[] | null> {
  const proven = await proveSecondFactor(deps, input);
  if (!proven)
    await recordAuditEvent(deps.db, {
      action: "mfa.failed",
      success: false,
      userId: input.userId,
      ...input.client,
      metadata: { method: methodOf(input.factor), purpose: input.purpose },
    });
  return proven;
}

async function proveSecondFactor(
  deps: PasskeyDeps,
  input: { userId: string; factor: SecondFactor; client: ClientInfo; purpose: "second_factor" | "password_reset" },
): Promise<string[] | null> {
  const { userId, factor, client } = input;
  if ("totp" in factor) return (await acceptTotp(deps, userId, factor.totp, false)) ? ["otp"] : null;
  if ("recoveryCode" in factor)
    return (await useRecoveryCode(deps, userId, factor.recoveryCode, client)) ? ["otp"] : null;
  const verified = await verifyPasskeyAssertion(deps, {
    response: factor.passkey,
    binding: { purpose: input.purpose, userId, client },
  });
  return verified?.amr ?? null;
}

export type DisableTotpResult =
  | { kind: "disabled" }
  | { kind: "invalid_code" }
  | Extract<Reservation, { kind: "locked" | "throttled" }>;

/**
 * Removes TOTP and the recovery codes (two-step sign-in is then off) after a valid second factor,
 * which is a guess counted like one at the MFA step (issue 10, H1).
 */
export async function disableTotp(
  deps: PasskeyDeps & { accountSettings: ThrottleSettings },
  input: { userId: string; factor: SecondFactor; client: ClientInfo },
): Promise<DisableTotpResult> {
  const { userId, client } = input;
  const reservation = await reserveSecondFactorGuess(deps, userId, client);
  if (reservation.kind !== "open") return reservation;
  if (!(await verifySecondFactor(deps, { ...input, purpose: "second_factor" }))) {
    const lockAt = deps.accountSettings.lockoutFailures;
    await recordSecondFactorFailure(deps, { userId, failures: reservation.failures, lockAt, client });
    return { kind: "invalid_code" };
  }
  await recordSecondFactorSuccess(deps, userId, client);
  await deps.db.$transaction([
    deps.db.totpCredential.deleteMany({ where: { userId } }),
    deps.db.recoveryCode.deleteMany({ where: { userId } }),
  ]);
  await recordAuditEvent(deps.db, { action: "mfa.totp_disabled", success: true, userId, ...client });
  await notifyFor(deps, "mfa.totp_disabled", { userId, data: { method: "totp" } });
  return { kind: "disabled" };
}
