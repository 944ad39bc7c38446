// The MFA challenge: what a correct password yields when a second factor is on. Five minutes, single
// use, stored as an HMAC, bound to the client that passed the password.
import { generateRandomToken } from "../../crypto/bytes.ts";
import { hashCodeForStorage } from "../../crypto/server-keys.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";

export const MFA_CHALLENGE_TTL_SECONDS = 5 * 60;

/** What the first step proved (RFC 8176 amr): a password, or an external identity ("fed"). */
export type FirstFactor = "pwd" | "fed";

const hashChallenge = (deps: SessionDeps, token: string) => hashCodeForStorage(deps.serverKeys, "mfa-challenge", token);

/**
 * A challenge for the second step of a sign-in, bound to the client that passed the password and to
 * the user's credential epoch read with it (a reset in between makes the session it yields refused).
 */
export async function createMfaChallenge(
  deps: SessionDeps,
  user: { id: string; credentialEpoch: number },
  client: ClientInfo,
  firstFactor: FirstFactor = "pwd",
  pendingLinkId: string | null = null,
): Promise<string> {
  const token = generateRandomToken();
  await deps.db.mfaChallenge.create({
    data: {
      userId: user.id,
      credentialEpoch: user.credentialEpoch,
      firstFactor,
      pendingLinkId,
      tokenHash: await hashChallenge(deps, token),
      clientHash: client.ipHash,
      expiresAt: new Date(deps.now.getTime() + MFA_CHALLENGE_TTL_SECONDS * 1000),
    },
  });
  return token;
}

/** The live challenge's user and epoch, without consuming it (wrong codes may be retried, within throttling). */
export async function peekMfaChallenge(
  deps: SessionDeps,
  token: string,
  client: ClientInfo,
): Promise<{ userId: string; credentialEpoch: number; firstFactor: FirstFactor; pendingLinkId: string | null } | null> {
  const row = await deps.db.mfaChallenge.findUnique({ where: { tokenHash: await hashChallenge(deps, token) } });
  if (!row || row.consumedAt || row.expiresAt <= deps.now || row.clientHash !== client.ipHash) return null;
  return {
    userId: row.userId,
    credentialEpoch: row.credentialEpoch,
    firstFactor: row.firstFactor === "fed" ? "fed" : "pwd",
    pendingLinkId: row.pendingLinkId,
  };
}

/** Consumes the challenge atomically; false when another request already did. */
export async function consumeMfaChallenge(deps: SessionDeps, token: string): Promise<boolean> {
  const updated = await deps.db.mfaChallenge.updateMany({
    where: { tokenHash: await hashChallenge(deps, token), consumedAt: null, expiresAt: { gt: deps.now } },
    data: { consumedAt: deps.now },
  });
  return updated.count === 1;
}
