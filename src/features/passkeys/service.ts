// Passkeys (WebAuthn via @simplewebauthn/server): registration for a signed-in user, usernameless
// sign-in with discoverable credentials. Challenges are server-side, single use, short-lived and bound
// to the client; user verification is required; a signature-counter regression is refused and audited.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { recordAuditEvent } from "../audit/service.ts";
import { countSignInMethods } from "../identities/repository.ts";
import { deviceSummary, notifyFor } from "../notifications/notify.ts";
import { withMultiFactorMarker } from "../session/amr.ts";
import { type ClientInfo, type IssuedTokens, startSession } from "../session/service.ts";
import { type OptionsThrottled, type PasskeyDeps, reserveUserOptions, verifyPasskeyAssertion } from "./assertion.ts";
import { challengeConsumer, storeChallenge } from "./challenges.ts";
import { loadWebAuthnServer } from "./webauthn.ts";

/** Creation options for a new passkey of `user` (counted per user and client, see USER_OPTIONS_PER_HOUR). */
export async function registrationOptions(
  deps: PasskeyDeps,
  user: { id: string; email: string },
  client: ClientInfo,
): Promise<{ kind: "options"; options: PublicKeyCredentialCreationOptionsJSON } | OptionsThrottled> {
  const throttled = await reserveUserOptions(deps, user.id, client);
  if (throttled) return throttled;
  const existing = await deps.db.passkey.findMany({ where: { userId: user.id }, select: { credentialId: true } });
  const { generateRegistrationOptions } = await loadWebAuthnServer();
  const options = await generateRegistrationOptions({
    rpName: deps.webauthn.rpName,
    rpID: deps.webauthn.rpId,
    userName: user.email,
    userID: new Uint8Array(new TextEncoder().encode(user.id)),
    attestationType: "none",
    excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId })),
    authenticatorSelection: { residentKey: "required", userVerification: deps.webauthn.userVerification },
  });
  await storeChallenge(deps, options.challenge, { purpose: "registration", userId: user.id, client });
  return { kind: "options", options };
}

export async function registerPasskey(
  deps: PasskeyDeps,
  input: { userId: string; response: RegistrationResponseJSON; name: string; client: ClientInfo },
): Promise<{ id: string } | null> {
  const { verifyRegistrationResponse } = await loadWebAuthnServer();
  try {
    const result = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challengeConsumer(deps, {
        purpose: "registration",
        userId: input.userId,
        client: input.client,
      }),
      expectedOrigin: deps.webauthn.origins,
      expectedRPID: deps.webauthn.rpId,
      requireUserVerification: deps.webauthn.userVerification === "required",
    });
    if (!result.verified) return null;
    const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
    const passkey = await deps.db.passkey.create({
      data: {
        userId: input.userId,
        credentialId: credential.id,
        publicKey: credential.publicKey,
        counter: BigInt(credential.counter),
        transports: credential.transports ?? [],
        backupEligible: credentialDeviceType === "multiDevice",
        backedUp: credentialBackedUp,
        name: input.name,
      },
    });
    await recordAuditEvent(deps.db, {
      action: "passkey.registered",
      success: true,
      userId: input.userId,
      ...input.client,
      metadata: { passkeyId: passkey.id },
    });
    await notifyFor(deps, "passkey.registered", { userId: input.userId, data: { name: input.name || null } });
    return { id: passkey.id };
  } catch (error) {
    await recordAuditEvent(deps.db, {
      action: "passkey.rejected",
      success: false,
      userId: input.userId,
      ...input.client,
      metadata: { ceremony: "registration", reason: error instanceof Error ? error.name : "unknown" },
    });
    return null;
  }
}

export type PasskeySignIn = { kind: "signed_in"; tokens: IssuedTokens } | { kind: "rejected" } | { kind: "disabled" };

/** Usernameless sign-in: the credential names its user; a verified passkey alone is multi-factor. */
export async function signInWithPasskey(
  deps: PasskeyDeps,
  input: { response: AuthenticationResponseJSON; client: ClientInfo },
): Promise<PasskeySignIn> {
  const verified = await verifyPasskeyAssertion(deps, {
    response: input.response,
    binding: { purpose: "authentication", userId: null, client: input.client },
  });
  if (!verified) return { kind: "rejected" };
  const { user } = verified;
  if (user.status === "DISABLED") return { kind: "disabled" };
  const tokens = await startSession(deps, {
    userId: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    amr: withMultiFactorMarker(verified.amr),
    client: input.client,
    credentialEpoch: user.credentialEpoch,
  });
  // Disabled (or the credentials changed) since the passkey was checked (issue 10, M5, L2).
  if (!tokens) return { kind: "rejected" };
  await recordAuditEvent(deps.db, {
    action: "login.succeeded",
    success: true,
    userId: user.id,
    ...input.client,
    metadata: { method: "passkey", sessionId: tokens.sessionId },
  });
  if (tokens.newDevice)
    await notifyFor(deps, "login.succeeded", {
      userId: user.id,
      data: { device: deviceSummary(input.client.userAgent), method: "passkey" },
    });
  return { kind: "signed_in", tokens };
}

export async function listPasskeys(deps: Pick<PasskeyDeps, "db">, userId: string) {
  const passkeys = await deps.db.passkey.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
  return passkeys.map((p) => ({
    id: p.id,
    name: p.name,
    createdAt: p.createdAt.toISOString(),
    lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
    backupEligible: p.backupEligible,
    backedUp: p.backedUp,
  }));
}

export async function renamePasskey(
  deps: Pick<PasskeyDeps, "db">,
  userId: string,
  id: string,
  name: string,
): Promise<boolean> {
  return (await deps.db.passkey.updateMany({ where: { id, userId }, data: { name } })).count === 1;
}

/** Removes a passkey unless it is the user's last way to sign in. */
export async function removePasskey(
  deps: PasskeyDeps,
  userId: string,
  id: string,
  client: ClientInfo,
): Promise<"removed" | "not_found" | "last_method"> {
  const [passkeys, methods] = await Promise.all([
    deps.db.passkey.findMany({ where: { userId }, select: { id: true } }),
    countSignInMethods(deps.db, userId),
  ]);
  if (!passkeys.some((p) => p.id === id)) return "not_found";
  // A password, another passkey or a linked external identity must remain.
  if (methods <= 1) return "last_method";
  await deps.db.passkey.deleteMany({ where: { id, userId } });
  await recordAuditEvent(deps.db, {
    action: "passkey.removed",
    success: true,
    userId,
    ...client,
    metadata: { passkeyId: id },
  });
  return "removed";
}
