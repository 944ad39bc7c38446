// The second step of a sign-in: a live challenge (from a correct password, bound to the client) plus
// a second factor yields the session; wrong factors count on the user's second-factor counters.
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { afterResponse } from "../../http/after-response.ts";
import { clearGuessCounters, counterKeysFor, passwordGuessKeys, type Reservation } from "../account/counters.ts";
import type { AccountDeps } from "../account/service.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { completePendingLink } from "../identities/link-intents.ts";
import { deferIdentityNotice } from "../identities/linking.ts";
import { deviceSummary, notifyFor } from "../notifications/notify.ts";
import { assertionOptionsForUser, type OptionsThrottled, type PasskeyDeps } from "../passkeys/assertion.ts";
import { withMultiFactorMarker } from "../session/amr.ts";
import { type ClientInfo, type IssuedTokens, startSession } from "../session/service.ts";
import { consumeMfaChallenge, peekMfaChallenge } from "./challenge.ts";
import { methodOf, type SecondFactor, verifySecondFactor } from "./factors.ts";
import { recordSecondFactorFailure, recordSecondFactorSuccess, reserveSecondFactorGuess } from "./guesses.ts";

export type MfaDeps = AccountDeps & PasskeyDeps;

export type MfaSignInResult =
  | { kind: "signed_in"; tokens: IssuedTokens; user: { email: string }; newDevice: boolean }
  | { kind: "invalid_challenge" }
  | { kind: "invalid_code" }
  | { kind: "disabled" }
  | Extract<Reservation, { kind: "locked" | "throttled" }>;

/** WebAuthn options for answering the challenge with a passkey; null when the challenge is not live. */
export async function passkeyOptionsForChallenge(
  deps: MfaDeps,
  input: { challenge: string; client: ClientInfo },
): Promise<
  | { kind: "options"; options: PublicKeyCredentialRequestOptionsJSON }
  | { kind: "invalid_challenge" }
  | { kind: "no_passkey" }
  | OptionsThrottled
> {
  const challenge = await peekMfaChallenge(deps, input.challenge, input.client);
  if (!challenge) return { kind: "invalid_challenge" };
  return assertionOptionsForUser(deps, { userId: challenge.userId, purpose: "second_factor", client: input.client });
}

/**
 * Finishes a sign-in with a second factor. Every guess counts on the user's second-factor counters
 * (which a right password does not clear); only here, once the whole sign-in has succeeded, are the
 * password's counters and the factor's cleared (issue 10, H1).
 */
export async function completeMfaSignIn(
  deps: MfaDeps,
  input: { challenge: string; factor: SecondFactor; client: ClientInfo },
): Promise<MfaSignInResult> {
  const challenge = await peekMfaChallenge(deps, input.challenge, input.client);
  if (!challenge) return { kind: "invalid_challenge" };
  const { userId } = challenge;
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) return { kind: "invalid_challenge" };
  // An account locked after this challenge was issued stays locked: only a reset lifts a lock.
  const passwordKeys = await counterKeysFor(deps.serverKeys, user.email, input.client.limitHash);
  const reservation = await reserveSecondFactorGuess(deps, userId, input.client, passwordKeys.account);
  if (reservation.kind !== "open") return reservation;
  const method = methodOf(input.factor);
  const proven = await verifySecondFactor(deps, {
    userId,
    factor: input.factor,
    client: input.client,
    purpose: "second_factor",
  });
  if (!proven) {
    const lockAt = deps.accountSettings.lockoutFailures;
    await recordSecondFactorFailure(deps, { userId, failures: reservation.failures, lockAt, client: input.client });
    return { kind: "invalid_code" };
  }
  // Disabled after the password step: no session (issue 10, L2); startSession refuses it too.
  // A deleted account's challenge is simply over: "disabled" would tell it apart.
  if (user.status === "DELETED") return { kind: "invalid_challenge" };
  if (user.status !== "ACTIVE") return { kind: "disabled" };
  if (!(await consumeMfaChallenge(deps, input.challenge))) return { kind: "invalid_challenge" };
  const tokens = await startSession(deps, {
    userId,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    amr: withMultiFactorMarker([challenge.firstFactor, ...proven]),
    client: input.client,
    credentialEpoch: challenge.credentialEpoch,
  });
  // The password changed or the user was disabled since the password step (issue 10, M5, L2).
  if (!tokens) return { kind: "invalid_challenge" };
  // An autoLink held back until the second factor: the factor is shown now, so the identity is added.
  if (challenge.pendingLinkId) {
    const linked = await completePendingLink(deps, { intentId: challenge.pendingLinkId, userId, client: input.client });
    if (linked.kind === "linked") {
      await deferIdentityNotice(deps, deps.accountSettings.mail, {
        email: user.email,
        change: "linked",
        provider: linked.providerId,
      });
    }
  }
  await afterResponse(deps, async () => {
    await recordSecondFactorSuccess(deps, userId, input.client);
    await clearGuessCounters(deps.db, passwordGuessKeys(passwordKeys, input.client));
    await recordAuditEvent(deps.db, {
      action: "login.succeeded",
      success: true,
      userId,
      ...input.client,
      metadata: {
        method: `${challenge.firstFactor === "fed" ? "external" : "password"}+${method}`,
        sessionId: tokens.sessionId,
      },
    });
    if (tokens.newDevice)
      await notifyFor(deps, "login.succeeded", {
        userId,
        data: { device: deviceSummary(input.client.userAgent), method: `password+${method}` },
      });
  });
  return { kind: "signed_in", tokens, user: { email: user.email }, newDevice: tokens.newDevice };
}
