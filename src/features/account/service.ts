// Password accounts: sign up, change the password, disable a user (sign-in is in log-in.ts).

import {
  DEFAULT_PASSWORD_HASH_PARAMS,
  hashPassword,
  type PasswordHashParams,
  verifyPassword,
} from "../../crypto/password.ts";
import type { DeliverySettings } from "../../delivery/mailer.ts";
import { markUserNotBefore } from "../../kv/revocation.ts";
import { isLastActivePlatformAdmin } from "../admin/last-admin.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { notifyFor } from "../notifications/notify.ts";
import {
  type ClientInfo,
  type IssuedTokens,
  revokeSessions,
  type SessionDeps,
  startSession,
} from "../session/service.ts";
import {
  clearScope,
  counterKeysFor,
  type Reservation,
  recordLoginSuccess,
  reserveLoginAttempt,
  reserveSignup,
  type ThrottleSettings,
} from "./counters.ts";
import { recordWrongPassword } from "./lockout.ts";
import { findPasswordProblem, type PasswordProblem } from "./password-policy.ts";
import {
  changePasswordHash,
  findPasswordAccountOfUser,
  findUserWithPassword,
  insertUserWithPassword,
} from "./repository.ts";

export type AccountSettings = ThrottleSettings & {
  /** Where account notices (a new way to sign in, a new device) are sent from. */
  mail: DeliverySettings;
  passwordMinLength: number;
  requireEmailVerification: boolean;
  passwordHashParams: PasswordHashParams;
};
export type AccountDeps = SessionDeps & { accountSettings: AccountSettings };

export const PASSWORD_AMR = ["pwd"];

/**
 * A real Argon2id hash (of a random password nobody knows) to verify against when an account does
 * not exist, so both paths cost the same; a constant, so the first request costs no extra hash.
 */
export const DUMMY_PASSWORD_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$SNLOkfGs9nHbDctkeYx+/g$/ssDBZaMOXbLhlmyWizXIxIMtAKsYhGYDQW7E74YwaI";

const dummyHashes = new Map<string, Promise<string>>();

/** The dummy hash for `params`: the constant for the defaults, else one made once, so both paths still cost the same. */
export function dummyPasswordHash(params: PasswordHashParams): Promise<string> {
  const { memoryKiB, iterations, parallelism } = params;
  const defaults = DEFAULT_PASSWORD_HASH_PARAMS;
  if (memoryKiB === defaults.memoryKiB && iterations === defaults.iterations && parallelism === defaults.parallelism)
    return Promise.resolve(DUMMY_PASSWORD_HASH);
  const key = `${memoryKiB},${iterations},${parallelism}`;
  let hash = dummyHashes.get(key);
  if (!hash) {
    hash = hashPassword(crypto.randomUUID(), params);
    dummyHashes.set(key, hash);
  }
  return hash;
}

export type Refusal = Extract<Reservation, { kind: "locked" | "throttled" }>;

/**
 * `newUserId` says which one mail the route sends after the response: the verification code and
 * link to a new user, or (null) a notice to the owner of a taken address. Never part of the answer.
 */
export type SignUpResult =
  | { kind: "signed_in"; tokens: IssuedTokens; newUserId: string }
  | { kind: "verification_required"; newUserId: string | null }
  | { kind: "weak_password"; problem: PasswordProblem }
  | Refusal;

/**
 * Creates the user and their password account. A taken email does the same hashing work and, when
 * email verification is required, yields the very same answer as a new one; either way the route
 * then sends exactly one mail (H3).
 */
export async function signUp(
  deps: AccountDeps,
  input: { email: string; password: string; name: string | null; client: ClientInfo },
): Promise<SignUpResult> {
  const problem = findPasswordProblem(input.password, {
    minLength: deps.accountSettings.passwordMinLength,
    email: input.email,
  });
  if (problem) return { kind: "weak_password", problem };
  const reservation = await reserveSignup(deps.db, input.client.limitHash, deps.now);
  if (reservation.kind !== "open") return reservation;
  const passwordHash = await hashPassword(input.password, deps.accountSettings.passwordHashParams);
  const created = await insertUserWithPassword(deps.db, { email: input.email, name: input.name, passwordHash });
  if (!created) {
    const existing = await findUserWithPassword(deps.db, input.email);
    await recordAuditEvent(deps.db, {
      action: "user.signup_duplicate",
      success: false,
      userId: existing?.user.id ?? null,
      ...input.client,
    });
    return { kind: "verification_required", newUserId: null };
  }
  // The address has an owner only now: failures guessed at it before (a lock, delays) were nobody's
  // and must not greet them (issue 10 review, R3). Only a new user clears them, never a taken address.
  await clearScope(deps.db, (await counterKeysFor(deps.serverKeys, input.email, null)).account);
  await recordAuditEvent(deps.db, {
    action: "user.signed_up",
    success: true,
    userId: created.id,
    ...input.client,
    metadata: { method: "password" },
  });
  if (deps.accountSettings.requireEmailVerification) return { kind: "verification_required", newUserId: created.id };
  const tokens = await startSession(deps, {
    userId: created.id,
    email: input.email,
    emailVerified: false,
    amr: PASSWORD_AMR,
    client: input.client,
    credentialEpoch: created.credentialEpoch,
  });
  // Only a disable between the insert above and this line refuses it.
  if (!tokens) return { kind: "verification_required", newUserId: created.id };
  return { kind: "signed_in", tokens, newUserId: created.id };
}

export type ChangePasswordResult =
  | { kind: "changed"; revokedSessions: number }
  | { kind: "invalid_credentials" }
  | { kind: "weak_password"; problem: PasswordProblem }
  | Refusal;

/**
 * Changes the password after checking the current one (counted like a sign-in, so a stolen access
 * token cannot be used to guess the password), and ends every other session of the user: revoked now,
 * and refused at refresh by the new credential epoch should one slip past the revocation.
 */
export async function changePassword(
  deps: AccountDeps,
  input: { userId: string; sessionId: string; currentPassword: string; newPassword: string; client: ClientInfo },
): Promise<ChangePasswordResult> {
  const [account, user] = await Promise.all([
    findPasswordAccountOfUser(deps.db, input.userId),
    deps.db.user.findUnique({ where: { id: input.userId }, select: { email: true } }),
  ]);
  const keys = await counterKeysFor(deps.serverKeys, user?.email ?? input.userId, input.client.limitHash);
  const reservation = await reserveLoginAttempt(deps.db, keys, input.client, deps.accountSettings, deps.now);
  if (reservation.kind !== "open") return reservation;
  const params = deps.accountSettings.passwordHashParams;
  const stored = account?.passwordHash ?? (await dummyPasswordHash(params));
  const check = await verifyPassword(stored, input.currentPassword, params);
  if (!account?.passwordHash || !user || !check.ok) {
    await recordAuditEvent(deps.db, {
      action: "password.changed",
      success: false,
      userId: input.userId,
      ...input.client,
      metadata: { reason: "wrong_current_password" },
    });
    // Counted and locked like a wrong password at sign-in (issue 10 review, R6).
    await recordWrongPassword(deps, {
      keys,
      user: user ? { id: input.userId, email: user.email } : null,
      client: input.client,
    });
    return { kind: "invalid_credentials" };
  }
  await recordLoginSuccess(deps.db, keys, input.client);
  const problem = findPasswordProblem(input.newPassword, {
    minLength: deps.accountSettings.passwordMinLength,
    email: user.email,
  });
  if (problem) return { kind: "weak_password", problem };
  const changed = await changePasswordHash(deps.db, {
    userId: input.userId,
    accountId: account.id,
    expectedHash: stored,
    passwordHash: await hashPassword(input.newPassword, params),
    keepSessionId: input.sessionId,
  });
  // Another change (or a reset) replaced the hash since it was verified: the current password given
  // is no longer the current one, and nothing was written (issue 10 review, R8b).
  if (!changed) {
    await recordAuditEvent(deps.db, {
      action: "password.changed",
      success: false,
      userId: input.userId,
      ...input.client,
      metadata: { reason: "changed_concurrently" },
    });
    return { kind: "invalid_credentials" };
  }
  const revoked = await revokeSessions(deps, input.userId, { except: input.sessionId }, "password_changed");
  await recordAuditEvent(deps.db, {
    action: "password.changed",
    success: true,
    userId: input.userId,
    ...input.client,
    metadata: { revokedSessions: revoked.length },
  });
  await notifyFor(deps, "password.changed", { userId: input.userId, data: { via: "change" } });
  return { kind: "changed", revokedSessions: revoked.length };
}

/**
 * Disables a user: no new sign-ins or refreshes (session start and refresh check the status), every
 * session revoked in the database, and a per-user "not before" marker at the edge so every outstanding access token stops at the next request.
 */
export async function disableUser(
  deps: SessionDeps,
  input: { userId: string; reason: string; client: ClientInfo },
): Promise<"disabled" | "unchanged" | "last_admin"> {
  const outcome = await deps.db.$transaction(async (tx) => {
    if (await isLastActivePlatformAdmin(tx, input.userId)) return "last_admin" as const;
    const updated = await tx.user.updateMany({
      where: { id: input.userId, status: "ACTIVE" },
      // A new epoch too: no session from before comes back should the user be enabled again (issue 10, M5).
      data: { status: "DISABLED", credentialEpoch: { increment: 1 } },
    });
    return updated.count === 0 ? ("unchanged" as const) : ("disabled" as const);
  });
  if (outcome !== "disabled") return outcome;
  await revokeSessions(deps, input.userId, {}, "user_disabled");
  await markUserNotBefore(
    deps.kv,
    input.userId,
    Math.ceil(deps.now.getTime() / 1000),
    deps.settings.accessTokenTtlSeconds,
  );
  await recordAuditEvent(deps.db, {
    action: "user.disabled",
    success: true,
    userId: input.userId,
    ...input.client,
    metadata: { reason: input.reason },
  });
  return "disabled";
}
