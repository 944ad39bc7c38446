// Passkey assertions (WebAuthn authentication ceremonies): options for anyone (usernameless) or for one
// known user's passkeys, and verification against the stored credential, the challenge binding and
// the signature counter. Used for sign-in, the second step of a password sign-in, step-up and reset.
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import type { User } from "../../db/generated/client.ts";
import { clientKeyFor, reserve } from "../account/counters.ts";
import { recordAuditEvent } from "../audit/service.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import { type ChallengeBinding, type ChallengePurpose, challengeConsumer, storeChallenge } from "./challenges.ts";
import { loadWebAuthnServer } from "./webauthn.ts";

export type WebauthnSettings = {
  rpId: string;
  rpName: string;
  origins: string[];
  /**
   * "required" (the default) refuses a passkey used without a PIN or biometrics; "preferred" accepts
   * one as a second factor or for step-up. Signing in with a passkey alone always requires it.
   */
  userVerification: "required" | "preferred";
};
export type PasskeyDeps = SessionDeps & { webauthn: WebauthnSettings };

/** RFC 8176 methods a passkey proves: a hardware-bound key, and user verification when it was done. */
export const passkeyAmr = (userVerified: boolean): string[] => (userVerified ? ["hwk", "user"] : ["hwk"]);

/** Usernameless sign-in options a client may ask for per hour before delays start (each stores a row). */
export const USERNAMELESS_OPTIONS_PER_CLIENT = 120;

/**
 * Options for a usernameless sign-in: any discoverable credential of this RP may answer, always with
 * user verification, since the passkey is then the only proof (possession plus PIN or biometrics).
 * Anyone may ask, so requests are counted per client.
 */
export async function usernamelessAssertionOptions(
  deps: PasskeyDeps,
  client: ClientInfo,
): Promise<
  { kind: "options"; options: PublicKeyCredentialRequestOptionsJSON } | { kind: "throttled"; retryAfterSeconds: number }
> {
  const allowed = await reserve(
    deps.db,
    `webauthn-options:${client.limitHash ?? "unknown"}`,
    { freeAttempts: USERNAMELESS_OPTIONS_PER_CLIENT, windowSeconds: 3600, windowFrom: "first_attempt" },
    deps.now,
  );
  if (allowed.kind === "throttled") return allowed;
  const { generateAuthenticationOptions } = await loadWebAuthnServer();
  const options = await generateAuthenticationOptions({
    rpID: deps.webauthn.rpId,
    userVerification: "required",
    allowCredentials: [],
  });
  await storeChallenge(deps, options.challenge, { purpose: "authentication", userId: null, client });
  return { kind: "options", options };
}

/**
 * Options a user's own ceremony (second factor, re-authentication, reset, registration) may ask for per
 * hour from one client before delays start: each stores a challenge row, and a caller that holds the
 * user's challenge cookie, reset link or session could otherwise ask without end. Keyed on the user and
 * the client (the limit network), as the guess delays are: whoever holds the password alone gets MFA
 * challenges from their own address, and must not keep the owner's passkey waiting on theirs.
 */
export const USER_OPTIONS_PER_HOUR = 60;

export type OptionsThrottled = { kind: "throttled"; retryAfterSeconds: number };

/** The counter of `userId`'s options asked for from `client`. */
export const userOptionsKey = (userId: string, client: Pick<ClientInfo, "limitHash">) =>
  `webauthn-options-user:${userId}|${clientKeyFor(client.limitHash)}`;

/** Counts one options request for `userId` from `client`; the refusal when there were too many. */
export async function reserveUserOptions(
  deps: PasskeyDeps,
  userId: string,
  client: ClientInfo,
): Promise<OptionsThrottled | null> {
  const allowed = await reserve(
    deps.db,
    userOptionsKey(userId, client),
    { freeAttempts: USER_OPTIONS_PER_HOUR, windowSeconds: 3600, windowFrom: "first_attempt" },
    deps.now,
  );
  // The rule has no lock, so a refusal is always a delay.
  return allowed.kind === "throttled" ? allowed : null;
}

export type UserAssertionOptions =
  | { kind: "options"; options: PublicKeyCredentialRequestOptionsJSON }
  | { kind: "no_passkey" }
  | OptionsThrottled;

/** Options that only the given user's passkeys can answer (counted per user and client, see USER_OPTIONS_PER_HOUR). */
export async function assertionOptionsForUser(
  deps: PasskeyDeps,
  input: { userId: string; purpose: Exclude<ChallengePurpose, "registration" | "authentication">; client: ClientInfo },
): Promise<UserAssertionOptions> {
  const passkeys = await deps.db.passkey.findMany({
    where: { userId: input.userId },
    select: { credentialId: true, transports: true },
  });
  if (passkeys.length === 0) return { kind: "no_passkey" };
  const throttled = await reserveUserOptions(deps, input.userId, input.client);
  if (throttled) return throttled;
  const { generateAuthenticationOptions } = await loadWebAuthnServer();
  const options = await generateAuthenticationOptions({
    rpID: deps.webauthn.rpId,
    userVerification: deps.webauthn.userVerification,
    allowCredentials: passkeys.map((passkey) => ({
      id: passkey.credentialId,
      transports: passkey.transports as AuthenticatorTransport[],
    })),
  });
  await storeChallenge(deps, options.challenge, { purpose: input.purpose, userId: input.userId, client: input.client });
  return { kind: "options", options };
}

export type VerifiedAssertion = { passkeyId: string; user: User; amr: string[] };

/**
 * Verifies an assertion and spends its challenge; with `binding.userId` set, the credential must be
 * that user's. On success the new signature counter is stored. Rejections are audited with their reason.
 */
export async function verifyPasskeyAssertion(
  deps: PasskeyDeps,
  input: { response: AuthenticationResponseJSON; binding: ChallengeBinding },
): Promise<VerifiedAssertion | null> {
  const { binding } = input;
  const passkey = await deps.db.passkey.findUnique({
    where: { credentialId: input.response.id },
    include: { user: true },
  });
  const reject = async (reason: string, userId: string | null, metadata: Record<string, unknown> = {}) => {
    if (userId)
      await recordAuditEvent(deps.db, {
        action: reason === "counter_regression" ? "passkey.counter_regression" : "passkey.rejected",
        success: false,
        userId,
        ...binding.client,
        metadata: { ceremony: binding.purpose, reason, ...metadata },
      });
    return null;
  };
  if (!passkey) return reject("unknown_credential", binding.userId);
  if (binding.userId && passkey.userId !== binding.userId) return reject("unknown_credential", binding.userId);
  const { verifyAuthenticationResponse } = await loadWebAuthnServer();
  let newCounter: number;
  let userVerified: boolean;
  try {
    const result = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: challengeConsumer(deps, binding),
      expectedOrigin: deps.webauthn.origins,
      expectedRPID: deps.webauthn.rpId,
      // The counter is checked below, so that a regression is told apart and audited.
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: 0,
        transports: passkey.transports as AuthenticatorTransport[],
      },
      requireUserVerification: binding.purpose === "authentication" || deps.webauthn.userVerification === "required",
    });
    if (!result.verified) return reject("not_verified", passkey.userId);
    newCounter = result.authenticationInfo.newCounter;
    userVerified = result.authenticationInfo.userVerified;
  } catch (error) {
    return reject(error instanceof Error ? error.name : "unknown", passkey.userId);
  }
  // Counters that moved must move forward; a repeat or a step back suggests a cloned authenticator.
  if ((newCounter > 0 || passkey.counter > 0n) && BigInt(newCounter) <= passkey.counter) {
    return reject("counter_regression", passkey.userId, {
      passkeyId: passkey.id,
      stored: Number(passkey.counter),
      presented: newCounter,
    });
  }
  await deps.db.passkey.update({
    where: { id: passkey.id },
    data: { counter: BigInt(newCounter), lastUsedAt: deps.now },
  });
  return { passkeyId: passkey.id, user: passkey.user, amr: passkeyAmr(userVerified) };
}
