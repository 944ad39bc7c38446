// WebAuthn challenges kept server side: stored hashed, single use, five minutes, bound to a purpose,
// to the user when one is known, and to the client that asked for them.
import { sha256Hex } from "../../crypto/bytes.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";

export const WEBAUTHN_CHALLENGE_TTL_SECONDS = 5 * 60;

/**
 * What a challenge may be spent on. A challenge issued for one ceremony never completes another, so an
 * assertion made for a step-up cannot finish a password reset, and so on.
 */
export type ChallengePurpose =
  | "registration"
  | "authentication"
  | "second_factor"
  | "reauthentication"
  | "password_reset";

export type ChallengeBinding = { purpose: ChallengePurpose; userId: string | null; client: ClientInfo };

export async function storeChallenge(deps: SessionDeps, challenge: string, binding: ChallengeBinding): Promise<void> {
  await deps.db.webauthnChallenge.create({
    data: {
      challengeHash: await sha256Hex(challenge),
      purpose: binding.purpose,
      userId: binding.userId,
      clientHash: binding.client.ipHash,
      expiresAt: new Date(deps.now.getTime() + WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000),
    },
  });
}

/** For @simplewebauthn's expectedChallenge: consumes the challenge in clientDataJSON if it matches the binding. */
export function challengeConsumer(deps: SessionDeps, binding: ChallengeBinding) {
  return async (challenge: string): Promise<boolean> => {
    const updated = await deps.db.webauthnChallenge.updateMany({
      where: {
        challengeHash: await sha256Hex(challenge),
        purpose: binding.purpose,
        userId: binding.userId,
        clientHash: binding.client.ipHash,
        consumedAt: null,
        expiresAt: { gt: deps.now },
      },
      data: { consumedAt: deps.now },
    });
    return updated.count === 1;
  };
}
