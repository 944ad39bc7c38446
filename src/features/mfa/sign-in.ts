// The second step of a sign-in: a live challenge (from a correct password, bound to the client) plus
// a second factor yields the session; wrong factors count toward the same lockout as passwords.
import { counterKeysFor, type Reservation, recordLoginSuccess, reserveLoginAttempt } from "../account/counters.ts";
import type { AccountDeps } from "../account/service.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { type ClientInfo, type IssuedTokens, startSession } from "../session/service.ts";
import { consumeMfaChallenge, peekMfaChallenge, type SecondFactor, verifySecondFactor } from "./service.ts";

export type MfaSignInResult =
  | { kind: "signed_in"; tokens: IssuedTokens }
  | { kind: "invalid_challenge" }
  | { kind: "invalid_code" }
  | Extract<Reservation, { kind: "locked" | "throttled" }>;

export async function completeMfaSignIn(
  deps: AccountDeps,
  input: { challenge: string; factor: SecondFactor; client: ClientInfo },
): Promise<MfaSignInResult> {
  const userId = await peekMfaChallenge(deps, input.challenge, input.client);
  if (!userId) return { kind: "invalid_challenge" };
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) return { kind: "invalid_challenge" };
  const keys = await counterKeysFor(deps.serverKeys, user.email, input.client.ipHash);
  const reservation = await reserveLoginAttempt(deps.db, keys, deps.accountSettings, deps.now);
  if (reservation.kind !== "open") return reservation;
  const method = "totp" in input.factor ? "totp" : "recovery_code";
  if (!(await verifySecondFactor(deps, userId, input.factor, input.client))) {
    await recordAuditEvent(deps.db, {
      action: "mfa.failed",
      success: false,
      userId,
      ...input.client,
      metadata: { method },
    });
    return { kind: "invalid_code" };
  }
  if (!(await consumeMfaChallenge(deps, input.challenge))) return { kind: "invalid_challenge" };
  await recordLoginSuccess(deps.db, keys);
  const tokens = await startSession(deps, {
    userId,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    // RFC 8176: a password, a one-time password, and together multiple factors.
    amr: ["pwd", "otp", "mfa"],
    client: input.client,
  });
  await recordAuditEvent(deps.db, {
    action: "login.succeeded",
    success: true,
    userId,
    ...input.client,
    metadata: { method: `password+${method}`, sessionId: tokens.sessionId },
  });
  return { kind: "signed_in", tokens };
}
