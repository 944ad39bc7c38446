// The second step of a sign-in: a live challenge (from a correct password, bound to the client) plus
// a second factor yields the session; wrong factors count toward the same lockout as passwords.
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { counterKeysFor, type Reservation, recordLoginSuccess, reserveLoginAttempt } from "../account/counters.ts";
import type { AccountDeps } from "../account/service.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { assertionOptionsForUser, type PasskeyDeps } from "../passkeys/assertion.ts";
import { withMultiFactorMarker } from "../session/amr.ts";
import { type ClientInfo, type IssuedTokens, startSession } from "../session/service.ts";
import { consumeMfaChallenge, peekMfaChallenge } from "./challenge.ts";
import { methodOf, type SecondFactor, verifySecondFactor } from "./factors.ts";

export type MfaDeps = AccountDeps & PasskeyDeps;

export type MfaSignInResult =
  | { kind: "signed_in"; tokens: IssuedTokens }
  | { kind: "invalid_challenge" }
  | { kind: "invalid_code" }
  | Extract<Reservation, { kind: "locked" | "throttled" }>;

/** WebAuthn options for answering the challenge with a passkey; null when the challenge is not live. */
export async function passkeyOptionsForChallenge(
  deps: MfaDeps,
  input: { challenge: string; client: ClientInfo },
): Promise<
  | { kind: "options"; options: PublicKeyCredentialRequestOptionsJSON }
  | { kind: "invalid_challenge" }
  | { kind: "no_passkey" }
> {
  const userId = await peekMfaChallenge(deps, input.challenge, input.client);
  if (!userId) return { kind: "invalid_challenge" };
  const options = await assertionOptionsForUser(deps, { userId, purpose: "second_factor", client: input.client });
  return options ? { kind: "options", options } : { kind: "no_passkey" };
}

export async function completeMfaSignIn(
  deps: MfaDeps,
  input: { challenge: string; factor: SecondFactor; client: ClientInfo },
): Promise<MfaSignInResult> {
  const userId = await peekMfaChallenge(deps, input.challenge, input.client);
  if (!userId) return { kind: "invalid_challenge" };
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) return { kind: "invalid_challenge" };
  const keys = await counterKeysFor(deps.serverKeys, user.email, input.client.limitHash);
  const reservation = await reserveLoginAttempt(deps.db, keys, deps.accountSettings, deps.now);
  if (reservation.kind !== "open") return reservation;
  const method = methodOf(input.factor);
  const proven = await verifySecondFactor(deps, {
    userId,
    factor: input.factor,
    client: input.client,
    purpose: "second_factor",
  });
  if (!proven) return { kind: "invalid_code" };
  if (!(await consumeMfaChallenge(deps, input.challenge))) return { kind: "invalid_challenge" };
  await recordLoginSuccess(deps.db, keys);
  const tokens = await startSession(deps, {
    userId,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    amr: withMultiFactorMarker(["pwd", ...proven]),
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
