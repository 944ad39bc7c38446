// Guesses at a second factor (TOTP, recovery code, passkey assertion), counted per user on counters a
// right password never clears (issue 10, H1): at /auth/mfa/verify, /auth/reauthenticate, TOTP removal
// and a reset with a second factor. Delays run per (user, client), the hard lock per user.
import {
  clearCounter,
  clearGuessCounters,
  type GuessKeys,
  guessKeysFor,
  isLocked,
  type Reservation,
  recordGuessSuccess,
  reserve,
  reserveGuess,
  type ThrottleSettings,
} from "../account/counters.ts";
import { lockAccount } from "../account/lockout.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";

type GuessDeps = Pick<SessionDeps, "db" | "serverKeys" | "now">;

/** Wrong factors at a reset the user-wide delay lets through before it starts. */
const RESET_FREE_GUESSES = 5;

const scopeOf = (userId: string) => `mfa:${userId}`;
const resetDelayKey = (userId: string) => `code:reset_second_factor:${userId}`;

export const secondFactorGuessKeys = (userId: string, client: ClientInfo): GuessKeys =>
  guessKeysFor(scopeOf(userId), client);

/**
 * Counts a guess at the user's second factor; refused while delayed or locked, or while the
 * `alsoLockedBy` scope (the password's, during a sign-in) is locked.
 */
export function reserveSecondFactorGuess(
  deps: GuessDeps & { accountSettings: ThrottleSettings },
  userId: string,
  client: ClientInfo,
  alsoLockedBy?: string,
): Promise<Reservation> {
  return reserveGuess(deps.db, secondFactorGuessKeys(userId, client), deps.accountSettings, deps.now, alsoLockedBy);
}

/**
 * Counts a guess at the second factor during a password reset. The reset link already binds the
 * guesser to the mailbox, so its delay is per user, not per client (more addresses buy no more
 * guesses); the guess also counts toward the user's lock. Once the user is locked, a TOTP code (a
 * 6-digit secret) is refused outright (issue 10 review, R4); a recovery code or a passkey cannot be
 * guessed, so they are still checked: they are the owner's way out of a second-factor lock, each
 * bounded by the link's own cap (RESET_LINK_WRONG_FACTORS) and the reset mail's send limit.
 */
export async function reserveResetSecondFactorGuess(
  deps: GuessDeps,
  input: { userId: string; method: string; lockAt: number },
): Promise<Reservation> {
  const { userId, lockAt } = input;
  if (input.method === "totp" && (await isLocked(deps.db, scopeOf(userId), lockAt))) return { kind: "locked" };
  const delayed = await reserve(
    deps.db,
    resetDelayKey(userId),
    { freeAttempts: RESET_FREE_GUESSES, windowSeconds: 0 },
    deps.now,
  );
  if (delayed.kind !== "open") return delayed;
  const rows = await deps.db.$queryRaw<Array<{ failures: number }>>`
    INSERT INTO auth_counters (key, failures, window_started_at, blocked_until, updated_at)
    VALUES (${scopeOf(userId)}, 1, ${deps.now}, NULL, ${deps.now})
    ON CONFLICT (key) DO UPDATE SET failures = auth_counters.failures + 1, updated_at = ${deps.now}
    WHERE ${input.method} <> 'totp' OR auth_counters.failures < ${lockAt}::int
    RETURNING failures`;
  const counted = rows[0];
  return counted ? { kind: "open", failures: counted.failures } : { kind: "locked" };
}

/** After a wrong factor: at the consecutive-failure limit the user is locked, as after wrong passwords. */
export async function recordSecondFactorFailure(
  deps: GuessDeps,
  input: { userId: string; failures: number; lockAt: number; client: ClientInfo },
): Promise<void> {
  if (input.failures !== input.lockAt) return;
  const user = await deps.db.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true } });
  if (!user) return;
  await lockAccount(deps, {
    user,
    failures: input.failures,
    lockAt: input.lockAt,
    cause: "second_factor",
    client: input.client,
  });
}

/** A right factor ends the user's run of wrong ones (and this client's). */
export function recordSecondFactorSuccess(deps: GuessDeps, userId: string, client: ClientInfo): Promise<void> {
  return recordGuessSuccess(deps.db, secondFactorGuessKeys(userId, client));
}

/** A reset with the mailbox and a second factor ends every run of wrong factors, and the lock. */
export async function clearSecondFactorCounters(deps: GuessDeps, userId: string, client: ClientInfo): Promise<void> {
  await clearGuessCounters(deps.db, secondFactorGuessKeys(userId, client));
  await clearCounter(deps.db, resetDelayKey(userId));
}
