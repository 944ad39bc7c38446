// Passkeys (WebAuthn via @simplewebauthn/server): registration for a signed-in user, usernameless
// sign-in with discoverable credentials. Challenges are server-side, single use, short-lived and bound
// to the client; user verification is required; a signature-counter regression is refused and audited.
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { sha256Hex } from "../../crypto/bytes.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { type ClientInfo, type IssuedTokens, type SessionDeps, startSession } from "../session/service.ts";

export const WEBAUTHN_CHALLENGE_TTL_SECONDS = 5 * 60;
export type WebauthnSettings = { rpId: string; rpName: string; origins: string[] };
export type PasskeyDeps = SessionDeps & { webauthn: WebauthnSettings };

type Purpose = "registration" | "authentication";

async function storeChallenge(
  deps: PasskeyDeps,
  challenge: string,
  purpose: Purpose,
  userId: string | null,
  client: ClientInfo,
) {
  await deps.db.webauthnChallenge.create({
    data: {
      challengeHash: await sha256Hex(challenge),
      purpose,
      userId,
      clientHash: client.ipHash,
      expiresAt: new Date(deps.now.getTime() + WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000),
    },
  });
}

/** Consumes the challenge named in clientDataJSON if it is ours, live, unused, for this purpose, user and client. */
function challengeChecker(deps: PasskeyDeps, purpose: Purpose, userId: string | null, client: ClientInfo) {
  return async (challenge: string): Promise<boolean> => {
    const updated = await deps.db.webauthnChallenge.updateMany({
      where: {
        challengeHash: await sha256Hex(challenge),
        purpose,
        userId,
        clientHash: client.ipHash,
        consumedAt: null,
        expiresAt: { gt: deps.now },
      },
      data: { consumedAt: deps.now },
    });
    return updated.count === 1;
  };
}

export async function registrationOptions(deps: PasskeyDeps, user: { id: string; email: string }, client: ClientInfo) {
  const existing = await deps.db.passkey.findMany({ where: { userId: user.id }, select: { credentialId: true } });
  const options = await generateRegistrationOptions({
    rpName: deps.webauthn.rpName,
    rpID: deps.webauthn.rpId,
    userName: user.email,
    userID: new Uint8Array(new TextEncoder().encode(user.id)),
    attestationType: "none",
    excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  await storeChallenge(deps, options.challenge, "registration", user.id, client);
  return options;
}

export async function registerPasskey(
  deps: PasskeyDeps,
  input: { userId: string; response: RegistrationResponseJSON; name: string; client: ClientInfo },
): Promise<{ id: string } | null> {
  try {
    const result = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challengeChecker(deps, "registration", input.userId, input.client),
      expectedOrigin: deps.webauthn.origins,
      expectedRPID: deps.webauthn.rpId,
      requireUserVerification: true,
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

export async function authenticationOptions(deps: PasskeyDeps, client: ClientInfo) {
  const options = await generateAuthenticationOptions({
    rpID: deps.webauthn.rpId,
    userVerification: "required",
    allowCredentials: [],
  });
  await storeChallenge(deps, options.challenge, "authentication", null, client);
  return options;
}

export type PasskeySignIn = { kind: "signed_in"; tokens: IssuedTokens } | { kind: "rejected" } | { kind: "disabled" };

/** Usernameless sign-in: the credential names its user; amr records a hardware key with user verification. */
export async function signInWithPasskey(
  deps: PasskeyDeps,
  input: { response: AuthenticationResponseJSON; client: ClientInfo },
): Promise<PasskeySignIn> {
  const passkey = await deps.db.passkey.findUnique({
    where: { credentialId: input.response.id },
    include: { user: true },
  });
  if (!passkey) return { kind: "rejected" };
  const audit = { userId: passkey.userId, ...input.client };
  let newCounter: number;
  try {
    const result = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: challengeChecker(deps, "authentication", null, input.client),
      expectedOrigin: deps.webauthn.origins,
      expectedRPID: deps.webauthn.rpId,
      // The counter is checked below, so a regression is told apart and audited.
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: 0,
        transports: passkey.transports as never,
      },
      requireUserVerification: true,
    });
    if (!result.verified) return { kind: "rejected" };
    newCounter = result.authenticationInfo.newCounter;
  } catch (error) {
    await recordAuditEvent(deps.db, {
      action: "passkey.rejected",
      success: false,
      ...audit,
      metadata: { ceremony: "authentication", reason: error instanceof Error ? error.name : "unknown" },
    });
    return { kind: "rejected" };
  }
  // Counters that moved must move forward; a repeat or a step back suggests a cloned authenticator.
  if ((newCounter > 0 || passkey.counter > 0n) && BigInt(newCounter) <= passkey.counter) {
    await recordAuditEvent(deps.db, {
      action: "passkey.counter_regression",
      success: false,
      ...audit,
      metadata: { passkeyId: passkey.id, stored: Number(passkey.counter), presented: newCounter },
    });
    return { kind: "rejected" };
  }
  await deps.db.passkey.update({
    where: { id: passkey.id },
    data: { counter: BigInt(newCounter), lastUsedAt: deps.now },
  });
  if (passkey.user.status === "DISABLED") return { kind: "disabled" };
  const tokens = await startSession(deps, {
    userId: passkey.userId,
    email: passkey.user.email,
    emailVerified: passkey.user.emailVerifiedAt !== null,
    amr: ["hwk", "user", "mfa"],
    client: input.client,
  });
  await recordAuditEvent(deps.db, {
    action: "login.succeeded",
    success: true,
    ...audit,
    metadata: { method: "passkey", sessionId: tokens.sessionId },
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
  const [passkeys, password] = await Promise.all([
    deps.db.passkey.findMany({ where: { userId }, select: { id: true } }),
    deps.db.account.findFirst({ where: { userId, provider: "password", passwordHash: { not: null } } }),
  ]);
  if (!passkeys.some((p) => p.id === id)) return "not_found";
  if (!password && passkeys.length === 1) return "last_method";
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
