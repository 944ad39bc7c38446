// Signing in with email and password: throttled before any password work, the same answer for
// unknown emails and wrong passwords, and a second step when two-step sign-in is on.
import { hashPassword, verifyPassword } from "../../crypto/password.ts";
import { afterResponse } from "../../http/after-response.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { createMfaChallenge } from "../mfa/challenge.ts";
import { hasSecondFactor, methodsOf, type SecondFactorMethod, secondFactorMethods } from "../mfa/factors.ts";
import { deviceSummary, notifyFor } from "../notifications/notify.ts";
import { type ClientInfo, type IssuedTokens, revokeSessions, startSession } from "../session/service.ts";
import {
  counterKeysFor,
  passwordGuessKeys,
  recordLoginSuccess,
  reserveLoginAttempt,
  takeBackPasswordGuess,
} from "./counters.ts";
import { recordWrongPassword } from "./lockout.ts";
import { findSignInCandidate, replacePasswordHash } from "./repository.ts";
import { type AccountDeps, dummyPasswordHash, PASSWORD_AMR, type Refusal } from "./service.ts";

export type LogInResult =
  | { kind: "signed_in"; tokens: IssuedTokens; user: { email: string }; newDevice: boolean }
  | { kind: "invalid_credentials" }
  | Refusal
  | { kind: "disabled" }
  | { kind: "email_not_verified" }
  | { kind: "mfa_required"; challenge: string; methods: SecondFactorMethod[] };

/**
 * Signs in with email and password. The attempt is counted (or refused) before any password work;
 * unknown emails and wrong passwords do the same work and give the same answer. Statuses only the
 * owner should learn (disabled, unverified) are revealed only after the password was right.
 */
export async function logIn(
  deps: AccountDeps,
  input: { email: string; password: string; client: ClientInfo },
): Promise<LogInResult> {
  const keys = await counterKeysFor(deps.serverKeys, input.email, input.client.limitHash);
  // One connection runs statements one after another: the reservation, then the lookup.
  const reservation = await reserveLoginAttempt(deps.db, keys, input.client, deps.accountSettings, deps.now);
  if (reservation.kind !== "open") {
    const found = await findSignInCandidate(deps.db, input.email);
    await afterResponse(deps, () =>
      recordAuditEvent(deps.db, {
        action: "login.throttled",
        success: false,
        userId: found?.user.id ?? null,
        ...input.client,
        metadata: { method: "password", state: reservation.kind },
      }),
    );
    return reservation;
  }
  const found = await findSignInCandidate(deps.db, input.email);
  const audit = { userId: found?.user.id ?? null, ...input.client };

  const params = deps.accountSettings.passwordHashParams;
  const stored = found?.passwordAccount?.passwordHash ?? (await dummyPasswordHash(params));
  const check = await verifyPassword(stored, input.password, params);
  // A deleted account answers exactly like a wrong password, counters included: nobody learns it existed.
  if (!found?.passwordAccount?.passwordHash || !check.ok || found.user.status === "DELETED") {
    await recordWrongPassword(deps, { keys, user: found?.user ?? null, client: input.client });
    await afterResponse(deps, () =>
      recordAuditEvent(deps.db, { action: "login.failed", success: false, ...audit, metadata: { method: "password" } }),
    );
    return { kind: "invalid_credentials" };
  }

  const { user, passwordAccount } = found;
  const methods = methodsOf(found.mfa);
  // With a second factor the password is only half a sign-in: it takes back its own attempt and
  // clears nothing; the counters are cleared once the second factor is right (issue 10, H1).
  if (methods.length > 0) await takeBackPasswordGuess(deps.db, passwordGuessKeys(keys, input.client));
  if (
    check.needsRehash &&
    (await replacePasswordHash(deps.db, passwordAccount.id, stored, await hashPassword(input.password, params)))
  ) {
    await afterResponse(deps, () =>
      recordAuditEvent(deps.db, { action: "password.rehashed", success: true, ...audit }),
    );
  }
  // A right password without a second factor ends the run of failures even when no session follows:
  // the owner of an unverified or disabled account is told so, not throttled into a 429.
  const endsFailures = () => afterResponse(deps, () => recordLoginSuccess(deps.db, keys, input.client));
  if (user.status === "DISABLED") {
    if (methods.length === 0) await endsFailures();
    return { kind: "disabled" };
  }
  if (deps.accountSettings.requireEmailVerification && !user.emailVerifiedAt) {
    if (methods.length === 0) await endsFailures();
    return { kind: "email_not_verified" };
  }
  if (methods.length > 0) {
    const challenge = await createMfaChallenge(deps, user, input.client);
    return { kind: "mfa_required", challenge, methods };
  }
  const tokens = await startSession(deps, {
    userId: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    amr: PASSWORD_AMR,
    client: input.client,
    credentialEpoch: user.credentialEpoch,
  });
  // Refused when the user was disabled or the password changed since it was read (issue 10, M5, L2).
  if (!tokens) return { kind: "invalid_credentials" };
  // TOTP confirmed between the check above and this insert would leave a password-only session
  // behind (confirmation ends only the sessions that exist then); a second look closes that window.
  if (await hasSecondFactor(deps, user.id)) {
    await revokeSessions(deps, user.id, { only: [tokens.sessionId] }, "mfa_enabled");
    await takeBackPasswordGuess(deps.db, passwordGuessKeys(keys, input.client));
    const challenge = await createMfaChallenge(deps, user, input.client);
    return { kind: "mfa_required", challenge, methods: await secondFactorMethods(deps, user.id) };
  }
  // The counters and the audit row do not change this answer: they are written after it.
  await afterResponse(deps, async () => {
    await recordLoginSuccess(deps.db, keys, input.client);
    await recordAuditEvent(deps.db, {
      action: "login.succeeded",
      success: true,
      ...audit,
      metadata: { method: "password", sessionId: tokens.sessionId },
    });
    if (tokens.newDevice)
      await notifyFor(deps, "login.succeeded", {
        userId: user.id,
        data: { device: deviceSummary(input.client.userAgent), method: "password" },
      });
  });
  return { kind: "signed_in", tokens, user: { email: user.email }, newDevice: tokens.newDevice };
}
