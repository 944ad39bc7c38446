// Step-up: proving the password, a TOTP code, a recovery code or a passkey again refreshes the
// session's auth_time (and amr), for routes and gateway policies that require a recent or
// multi-factor sign-in.
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { verifyPassword } from "../../crypto/password.ts";
import { counterKeysFor, type Reservation, recordLoginSuccess, reserveLoginAttempt } from "../account/counters.ts";
import { recordWrongPassword } from "../account/lockout.ts";
import { findPasswordAccountOfUser } from "../account/repository.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { verifyPasskeyAssertion } from "../passkeys/assertion.ts";
import { refreshAuthentication } from "../session/reissue.ts";
import type { ClientInfo } from "../session/service.ts";
import { methodOf, mfaStatus } from "./factors.ts";
import { recordSecondFactorFailure, recordSecondFactorSuccess, reserveSecondFactorGuess } from "./guesses.ts";
import { acceptTotp, useRecoveryCode } from "./service.ts";
import type { MfaDeps } from "./sign-in.ts";

export type ReauthProof =
  | { password: string }
  | { totp: string }
  | { recoveryCode: string }
  | { passkey: AuthenticationResponseJSON };

export type ReauthResult =
  | { kind: "ok"; accessToken: string; accessTokenExpiresAt: Date }
  | { kind: "invalid" }
  | { kind: "session_ended" }
  | Extract<Reservation, { kind: "locked" | "throttled" }>;

export type ReauthMethod = "password" | "totp" | "recovery_code" | "passkey";

/**
 * The proofs a step-up page asks for. With two-step sign-in on, only a second factor: the gateway's
 * multi-factor routes need one, and a password alone would make the session password-only again
 * (amrAfterStepUp). Without it, the password or a passkey (which proves two factors on its own).
 */
export async function reauthenticationMethods(deps: Pick<MfaDeps, "db">, userId: string): Promise<ReauthMethod[]> {
  const [status, account] = await Promise.all([mfaStatus(deps, userId), findPasswordAccountOfUser(deps.db, userId)]);
  const passkey: ReauthMethod[] = status.passkeys > 0 ? ["passkey"] : [];
  if (status.totp) return ["totp", ...passkey, ...(status.recoveryCodesLeft > 0 ? (["recovery_code"] as const) : [])];
  return [...(account?.passwordHash ? (["password"] as const) : []), ...passkey];
}

/** Checks one proof of the session's user; returns the RFC 8176 methods it proves, or null. */
async function checkProof(deps: MfaDeps, userId: string, proof: ReauthProof, client: ClientInfo) {
  if ("password" in proof) {
    const account = await findPasswordAccountOfUser(deps.db, userId);
    if (!account?.passwordHash) return null;
    return (await verifyPassword(account.passwordHash, proof.password, deps.accountSettings.passwordHashParams)).ok
      ? ["pwd"]
      : null;
  }
  if ("totp" in proof) return (await acceptTotp(deps, userId, proof.totp, false)) ? ["otp"] : null;
  // With the authenticator app lost, a recovery code still proves the second factor (and is spent).
  if ("recoveryCode" in proof)
    return (await useRecoveryCode(deps, userId, proof.recoveryCode, client)) ? ["otp"] : null;
  const verified = await verifyPasskeyAssertion(deps, {
    response: proof.passkey,
    binding: { purpose: "reauthentication", userId, client },
  });
  return verified?.amr ?? null;
}

/**
 * Proves the session's user again. A password proof is a password guess (the account's counters); a
 * factor proof is a second-factor guess (the user's, which a password never clears: issue 10, H1).
 */
export async function reauthenticate(
  deps: MfaDeps,
  input: { userId: string; sessionId: string; email: string; proof: ReauthProof; client: ClientInfo },
): Promise<ReauthResult> {
  const byPassword = "password" in input.proof;
  const keys = await counterKeysFor(deps.serverKeys, input.email, input.client.limitHash);
  const reservation = byPassword
    ? await reserveLoginAttempt(deps.db, keys, input.client, deps.accountSettings, deps.now)
    : await reserveSecondFactorGuess(deps, input.userId, input.client);
  if (reservation.kind !== "open") return reservation;
  const amr = await checkProof(deps, input.userId, input.proof, input.client);
  const method = "password" in input.proof ? "password" : methodOf(input.proof);
  await recordAuditEvent(deps.db, {
    action: "session.reauthenticated",
    success: amr !== null,
    userId: input.userId,
    ...input.client,
    metadata: { method },
  });
  const lockAt = deps.accountSettings.lockoutFailures;
  if (!amr) {
    const { failures } = reservation;
    if (!byPassword)
      await recordSecondFactorFailure(deps, { userId: input.userId, failures, lockAt, client: input.client });
    else {
      const user = { id: input.userId, email: input.email };
      await recordWrongPassword(deps, { keys, user, client: input.client });
    }
    return { kind: "invalid" };
  }
  if (byPassword) await recordLoginSuccess(deps.db, keys, input.client);
  else await recordSecondFactorSuccess(deps, input.userId, input.client);
  const token = await refreshAuthentication(deps, { sessionId: input.sessionId, userId: input.userId, amr });
  return token ? { kind: "ok", ...token } : { kind: "session_ended" };
}
