// Answering an invitation: accept it signed in, accept it by creating the invited account, decline it,
// or read it for the page (GET never consumes). Each consumption is one conditional UPDATE.
import { sha256Hex } from "../../crypto/bytes.ts";
import { hashPassword } from "../../crypto/password.ts";
import type { Database } from "../../db/client.ts";
import { clearScope, counterKeysFor, reserveSignup } from "../account/counters.ts";
import { findPasswordProblem, type PasswordProblem } from "../account/password-policy.ts";
import { insertUserWithPassword } from "../account/repository.ts";
import { type AccountDeps, PASSWORD_AMR, type Refusal } from "../account/service.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { type ClientInfo, type IssuedTokens, type SessionDeps, startSession } from "../session/service.ts";
import { incrementMembershipEpoch, publishMembershipEpoch } from "../tenancy/epoch.ts";
import { switchActiveTenant } from "../tenancy/switch.ts";
import {
  addMembershipWithRoles,
  consumeAcceptedInvitation,
  consumeDeclinedInvitation,
  findLiveInvitation,
  type InvitationRow,
  type LiveInvitation,
  type Queryable,
} from "./repository.ts";

export type AcceptedTenant = { id: string; slug: string | null };

/** The session after an acceptance: switched to the tenant, or (suspended membership, enrollment) not. */
export type Switched = { tenant: { id: string; slug: string } | null; roles: string[]; token: AccessToken | null };
type AccessToken = { accessToken: string; accessTokenExpiresAt: Date };

export type AcceptResult =
  | { kind: "accepted"; tenantId: string; grantedRoles: string[]; switched: Switched }
  | { kind: "invalid_token" }
  | { kind: "email_mismatch" }
  | { kind: "email_not_verified" };

/** TENANT_INVITE_ROLES: an invitation lives only while its inviter still holds one (or OWNER). */
type InviteRoles = { inviteRoles: readonly string[] };

/** What the accept page shows about a live invitation; null for any token that does not name one. */
export async function describeInvitation(
  db: Database,
  input: { token: string; now: Date } & InviteRoles,
): Promise<LiveInvitation | null> {
  return findLiveInvitation(db, {
    tokenHash: await sha256Hex(input.token),
    now: input.now,
    inviteRoles: input.inviteRoles,
  });
}

/** Consumes the invitation for `userId`, adds the membership and its roles and moves the epoch, in one transaction. */
async function consumeIntoMembership(
  tx: Queryable,
  input: { tokenHash: string; userId: string; now: Date } & InviteRoles,
): Promise<{ invitation: InvitationRow; newMember: boolean; epoch: number } | null> {
  const invitation = await consumeAcceptedInvitation(tx, input);
  if (!invitation) return null;
  const membership = await addMembershipWithRoles(tx, {
    tenantId: invitation.tenant_id,
    userId: input.userId,
    roles: invitation.roles,
  });
  // A transaction client runs the same statement; epoch.ts types its parameter as the full client.
  const epoch = await incrementMembershipEpoch(tx as Database, input.userId);
  return { invitation, newMember: membership.created, epoch };
}

async function auditAccepted(
  deps: SessionDeps,
  input: { userId: string; consumed: { invitation: InvitationRow; newMember: boolean }; client: ClientInfo },
) {
  await recordAuditEvent(deps.db, {
    action: "invitation.accepted",
    success: true,
    userId: input.userId,
    tenantId: input.consumed.invitation.tenant_id,
    ipHash: input.client.ipHash,
    userAgent: input.client.userAgent,
    metadata: {
      invitationId: input.consumed.invitation.id,
      invitedBy: input.consumed.invitation.invited_by_id,
      roles: input.consumed.invitation.roles,
      newMember: input.consumed.newMember,
    },
  });
}

/** Points the session at the tenant it just joined and issues the access token that carries it. */
async function switchToTenant(
  deps: SessionDeps,
  input: { sessionId: string; userId: string; tenantId: string; client: ClientInfo },
): Promise<Switched> {
  const switched = await switchActiveTenant(deps, {
    sessionId: input.sessionId,
    userId: input.userId,
    tenant: { id: input.tenantId },
    client: input.client,
  });
  if (switched.kind !== "ok") return { tenant: null, roles: [], token: null };
  return { tenant: switched.tenant, roles: switched.roles, token: switched.token };
}

/**
 * Accepts for the signed-in user: their address (read from the database, not the token) must be the
 * invited one and verified. Another address is refused and the invitation stays for its addressee.
 */
export async function acceptInvitation(
  deps: SessionDeps,
  input: { token: string; userId: string; sessionId: string; client: ClientInfo } & InviteRoles,
): Promise<AcceptResult> {
  const tokenHash = await sha256Hex(input.token);
  const live = await findLiveInvitation(deps.db, { tokenHash, now: deps.now, inviteRoles: input.inviteRoles });
  if (!live) return { kind: "invalid_token" };
  const user = await deps.db.user.findUnique({
    where: { id: input.userId },
    select: { email: true, emailVerifiedAt: true },
  });
  if (!user || user.email !== live.email || !user.emailVerifiedAt) {
    const reason = user?.email === live.email ? "email_not_verified" : "email_mismatch";
    await recordAuditEvent(deps.db, {
      action: "invitation.refused",
      success: false,
      userId: input.userId,
      tenantId: live.tenant_id,
      ipHash: input.client.ipHash,
      userAgent: input.client.userAgent,
      metadata: { invitationId: live.id, reason },
    });
    return { kind: reason };
  }
  const consumed = await deps.db.$transaction((tx) =>
    consumeIntoMembership(tx, { tokenHash, userId: input.userId, now: deps.now, inviteRoles: input.inviteRoles }),
  );
  if (!consumed) return { kind: "invalid_token" };
  await publishMembershipEpoch(deps, input.userId, consumed.epoch);
  await auditAccepted(deps, { userId: input.userId, consumed, client: input.client });
  const switched = await switchToTenant(deps, { ...input, tenantId: consumed.invitation.tenant_id });
  return {
    kind: "accepted",
    tenantId: consumed.invitation.tenant_id,
    grantedRoles: consumed.invitation.roles,
    switched,
  };
}

export type NewAccountResult =
  | { kind: "signed_in"; tokens: IssuedTokens; tenantId: string; grantedRoles: string[]; switched: Switched }
  | { kind: "invalid_token" }
  | { kind: "account_exists" }
  | { kind: "weak_password"; problem: PasswordProblem }
  | Refusal;

/** Thrown inside the transaction to roll it back; never leaves this module. */
class Rollback extends Error {
  constructor(readonly reason: "account_exists" | "invalid_token") {
    super(reason);
  }
}

/**
 * Creates the invited account (verified: only the address's owner holds the token), accepts and
 * starts a session in the tenant. An existing account for the address is told to sign in, and
 * nothing is created; the user, its membership and the consumption commit together or not at all.
 */
export async function acceptWithNewAccount(
  deps: AccountDeps,
  input: { token: string; password: string; name: string | null; client: ClientInfo } & InviteRoles,
): Promise<NewAccountResult> {
  const tokenHash = await sha256Hex(input.token);
  const live = await findLiveInvitation(deps.db, { tokenHash, now: deps.now, inviteRoles: input.inviteRoles });
  if (!live) return { kind: "invalid_token" };
  const email = live.email;
  if (await deps.db.user.findUnique({ where: { email }, select: { id: true } })) return { kind: "account_exists" };
  const problem = findPasswordProblem(input.password, { minLength: deps.accountSettings.passwordMinLength, email });
  if (problem) return { kind: "weak_password", problem };
  const reservation = await reserveSignup(deps.db, input.client.limitHash, deps.now);
  if (reservation.kind !== "open") return reservation;
  const passwordHash = await hashPassword(input.password, deps.accountSettings.passwordHashParams);
  let written: {
    user: { id: string; credentialEpoch: number };
    consumed: { invitation: InvitationRow; newMember: boolean; epoch: number };
  };
  try {
    written = await deps.db.$transaction(async (tx) => {
      const user = await insertUserWithPassword(tx, {
        email,
        name: input.name,
        passwordHash,
        emailVerifiedAt: deps.now,
      });
      if (!user) throw new Rollback("account_exists");
      const consumed = await consumeIntoMembership(tx, {
        tokenHash,
        userId: user.id,
        now: deps.now,
        inviteRoles: input.inviteRoles,
      });
      if (!consumed) throw new Rollback("invalid_token");
      return { user, consumed };
    });
  } catch (error) {
    if (error instanceof Rollback) return { kind: error.reason };
    throw error;
  }
  const { user, consumed } = written;
  await publishMembershipEpoch(deps, user.id, consumed.epoch);
  // As at sign-up: failures guessed at the address before it had an owner must not greet them.
  await clearScope(deps.db, (await counterKeysFor(deps.serverKeys, email, null)).account);
  await recordAuditEvent(deps.db, {
    action: "user.signed_up",
    success: true,
    userId: user.id,
    ...input.client,
    metadata: { method: "invitation" },
  });
  await auditAccepted(deps, { userId: user.id, consumed, client: input.client });
  const tokens = await startSession(deps, {
    userId: user.id,
    email,
    emailVerified: true,
    amr: PASSWORD_AMR,
    client: input.client,
    credentialEpoch: user.credentialEpoch,
  });
  // Only a disable between the insert and here refuses it: the account exists, signing in will say why.
  if (!tokens) return { kind: "invalid_token" };
  const tenantId = consumed.invitation.tenant_id;
  const switched = await switchToTenant(deps, {
    sessionId: tokens.sessionId,
    userId: user.id,
    tenantId,
    client: input.client,
  });
  const issued = switched.token ? { ...tokens, ...switched.token } : tokens;
  return { kind: "signed_in", tokens: issued, tenantId, grantedRoles: consumed.invitation.roles, switched };
}

/** Declines with the token alone (no session needed): the invitation is consumed as declined. */
export async function declineInvitation(
  deps: SessionDeps,
  input: { token: string; userId: string | null; client: ClientInfo },
): Promise<{ kind: "declined"; tenantId: string } | { kind: "invalid_token" }> {
  const declined = await consumeDeclinedInvitation(deps.db, await sha256Hex(input.token), deps.now);
  if (!declined) return { kind: "invalid_token" };
  await recordAuditEvent(deps.db, {
    action: "invitation.declined",
    success: true,
    userId: input.userId,
    tenantId: declined.tenant_id,
    ipHash: input.client.ipHash,
    userAgent: input.client.userAgent,
    metadata: { invitationId: declined.id },
  });
  return { kind: "declined", tenantId: declined.tenant_id };
}
