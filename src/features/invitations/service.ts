// Invitations managed by a tenant's owners (or TENANT_INVITE_ROLES holders): create, list, resend, revoke.
import type { Config } from "../../config/index.ts";
import { generateRandomToken, sha256Hex } from "../../crypto/bytes.ts";
import type { MailSettings } from "../../delivery/mailer.ts";
import { afterResponse } from "../../http/after-response.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { notifyInvitee } from "../notifications/notify.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import { loadTokenAuthorization } from "../tenancy/authorization.ts";
import { findActiveMemberRoles, findTenantRoles } from "../tenancy/repository.ts";
import { OWNER } from "../tenancy/role-catalogue.ts";
import { countInFixedWindow, SEND_WINDOW_SECONDS } from "../verification/send-limits.ts";
import { sendInvitationMail } from "./mail.ts";
import {
  findPendingInvitation,
  type InvitationRow,
  listPendingInvitations,
  markInvitationRevoked,
  replaceInvitation,
  rotateInvitationToken,
} from "./repository.ts";

export type InvitationPolicy = Pick<
  Config,
  "invitationTtlSeconds" | "invitationsPerTenantPerHour" | "tenantInviteRoles" | "appUrl"
>;
export type InvitationDeps = SessionDeps & { mail: MailSettings; policy: InvitationPolicy };

/** Who acts: the session's user and the amr it proved (forced MFA enrollment is read from it). */
export type Actor = { userId: string; amr: string[]; client: ClientInfo };

export type InvitationView = {
  id: string;
  email: string;
  roles: string[];
  expiresAt: Date;
  sendCount: number;
  lastSentAt: Date;
  status: "pending" | "expired";
};

export type Refusal =
  | { kind: "tenant_not_found" }
  | { kind: "mfa_enrollment_required" }
  | { kind: "forbidden" }
  | { kind: "unknown_role" }
  | { kind: "invitation_not_found" }
  | { kind: "throttled"; retryAfterSeconds: number };

const LIST_LIMIT = 200;

export function viewOf(row: InvitationRow, now: Date): InvitationView {
  return {
    id: row.id,
    email: row.email,
    roles: row.roles,
    expiresAt: row.expires_at,
    sendCount: row.send_count,
    lastSentAt: row.last_sent_at,
    status: row.expires_at > now ? "pending" : "expired",
  };
}

/**
 * The actor's power over the tenant's invitations, from the database (never the token's claims): an
 * active member holding OWNER or a TENANT_INVITE_ROLES role. Non-members learn nothing (404).
 */
async function authorizeInviter(
  deps: InvitationDeps,
  tenantId: string,
  actor: Actor,
): Promise<{ kind: "ok"; mayGrant: (roles: readonly string[]) => boolean } | Refusal> {
  const roles = await findActiveMemberRoles(deps.db, { tenantId, userId: actor.userId });
  if (!roles) return { kind: "tenant_not_found" };
  const authorization = await loadTokenAuthorization(deps.db, {
    userId: actor.userId,
    tenantId,
    amr: actor.amr,
    requireMfaRoles: deps.settings.requireMfaRoles,
  });
  if (authorization.mfaEnrollmentRequired) return { kind: "mfa_enrollment_required" };
  const isOwner = roles.includes(OWNER);
  if (!isOwner && !roles.some((role) => deps.policy.tenantInviteRoles.includes(role))) return { kind: "forbidden" };
  // Nobody hands out what they do not hold: an owner grants any tenant role, anyone else only their own.
  return { kind: "ok", mayGrant: (wanted) => isOwner || wanted.every((role) => roles.includes(role)) };
}

/** Counts one mail against the tenant's hourly limit (an atomic upsert in Postgres, never KV). */
async function reserveTenantSend(deps: InvitationDeps, tenantId: string): Promise<Refusal | null> {
  const counted = await countInFixedWindow(deps.db, `invite:tenant:${tenantId}`, deps.now);
  if (counted.count <= deps.policy.invitationsPerTenantPerHour) return null;
  const endsAt = counted.window_started_at.getTime() + SEND_WINDOW_SECONDS * 1000;
  return { kind: "throttled", retryAfterSeconds: Math.max(1, Math.ceil((endsAt - deps.now.getTime()) / 1000)) };
}

/** The link's token and its hash; only the hash is stored. */
async function newToken() {
  const token = generateRandomToken();
  return { token, tokenHash: await sha256Hex(token) };
}

/** Mails the link after the response, named for the tenant and the inviter. */
async function deferMail(
  deps: InvitationDeps,
  input: { tenantId: string; inviterId: string; email: string; token: string; roles: string[] },
) {
  const [tenant, inviter] = await Promise.all([
    deps.db.tenant.findUnique({ where: { id: input.tenantId }, select: { name: true } }),
    deps.db.user.findUnique({ where: { id: input.inviterId }, select: { name: true, email: true } }),
  ]);
  const mailDeps = { db: deps.db, mail: deps.mail, appUrl: deps.policy.appUrl };
  await afterResponse(deps, () =>
    sendInvitationMail(mailDeps, {
      email: input.email,
      token: input.token,
      tenantName: tenant?.name ?? "",
      inviter: inviter ? (inviter.name ?? inviter.email) : null,
      roles: input.roles,
      ttlSeconds: deps.policy.invitationTtlSeconds,
    }),
  );
}

/**
 * Invites a normalized address with tenant roles of the catalogue (a non-owner only the roles they hold), replacing
 * a pending invitation for the same address; mails the link; never returns the token. Audited.
 */
export async function createInvitation(
  deps: InvitationDeps,
  input: { tenantId: string; email: string; roles: string[]; actor: Actor },
): Promise<{ kind: "created"; invitation: InvitationView } | Refusal> {
  const power = await authorizeInviter(deps, input.tenantId, input.actor);
  if (power.kind !== "ok") return power;
  const roles = [...new Set(input.roles)].sort();
  const known = new Set(await findTenantRoles(deps.db, roles));
  if (roles.some((role) => !known.has(role))) return { kind: "unknown_role" };
  if (!power.mayGrant(roles)) return { kind: "forbidden" };
  const refused = await reserveTenantSend(deps, input.tenantId);
  if (refused) return refused;
  const { token, tokenHash } = await newToken();
  const expiresAt = new Date(deps.now.getTime() + deps.policy.invitationTtlSeconds * 1000);
  const created = await replaceInvitation(deps.db, {
    tenantId: input.tenantId,
    email: input.email,
    roles,
    tokenHash,
    invitedById: input.actor.userId,
    expiresAt,
    now: deps.now,
    mayReplace: power.mayGrant,
  });
  // A pending invitation to the address carries roles this inviter may not hand out: it stays.
  if (!created) return { kind: "forbidden" };
  await recordAuditEvent(deps.db, {
    action: "invitation.created",
    success: true,
    actorId: input.actor.userId,
    tenantId: input.tenantId,
    ipHash: input.actor.client.ipHash,
    userAgent: input.actor.client.userAgent,
    metadata: { invitationId: created.id, roles, replaced: created.replacedIds },
  });
  // After the response: whether the address has an account must not show in the inviter's timing.
  await afterResponse(deps, () =>
    notifyInvitee(deps, "invitation.created", { email: input.email, tenantId: input.tenantId, roles }),
  );
  await deferMail(deps, { tenantId: input.tenantId, inviterId: input.actor.userId, email: input.email, token, roles });
  const invitation: InvitationView = {
    id: created.id,
    email: input.email,
    roles,
    expiresAt,
    sendCount: 1,
    lastSentAt: deps.now,
    status: "pending",
  };
  return { kind: "created", invitation };
}

/** The tenant's pending invitations (expired ones marked so), for those who may invite. */
export async function listInvitations(
  deps: InvitationDeps,
  input: { tenantId: string; actor: Actor },
): Promise<{ kind: "ok"; invitations: InvitationView[] } | Refusal> {
  const power = await authorizeInviter(deps, input.tenantId, input.actor);
  if (power.kind !== "ok") return power;
  const rows = await listPendingInvitations(deps.db, input.tenantId, LIST_LIMIT);
  return { kind: "ok", invitations: rows.map((row) => viewOf(row, deps.now)) };
}

/** A new token and expiry for a pending invitation (the old link dies), mailed again; counts toward the limit. */
export async function resendInvitation(
  deps: InvitationDeps,
  input: { tenantId: string; invitationId: string; actor: Actor },
): Promise<{ kind: "resent"; invitation: InvitationView } | Refusal> {
  const power = await authorizeInviter(deps, input.tenantId, input.actor);
  if (power.kind !== "ok") return power;
  const pending = await findPendingInvitation(deps.db, input.tenantId, input.invitationId);
  if (!pending) return { kind: "invitation_not_found" };
  if (!power.mayGrant(pending.roles)) return { kind: "forbidden" };
  const refused = await reserveTenantSend(deps, input.tenantId);
  if (refused) return refused;
  const { token, tokenHash } = await newToken();
  const expiresAt = new Date(deps.now.getTime() + deps.policy.invitationTtlSeconds * 1000);
  const rotated = await rotateInvitationToken(deps.db, {
    tenantId: input.tenantId,
    id: input.invitationId,
    tokenHash,
    expiresAt,
    now: deps.now,
    // The resender (who just passed mayGrant) answers for the link from now on.
    resentById: input.actor.userId,
  });
  if (!rotated) return { kind: "invitation_not_found" };
  await recordAuditEvent(deps.db, {
    action: "invitation.resent",
    success: true,
    actorId: input.actor.userId,
    tenantId: input.tenantId,
    ipHash: input.actor.client.ipHash,
    userAgent: input.actor.client.userAgent,
    metadata: { invitationId: rotated.id, sendCount: rotated.send_count },
  });
  await afterResponse(deps, () =>
    notifyInvitee(deps, "invitation.resent", { email: pending.email, tenantId: input.tenantId, roles: pending.roles }),
  );
  await deferMail(deps, {
    tenantId: input.tenantId,
    inviterId: input.actor.userId,
    email: rotated.email,
    token,
    roles: rotated.roles,
  });
  return { kind: "resent", invitation: viewOf(rotated, deps.now) };
}

/** Revokes a pending invitation: its link stops working at once. */
export async function revokeInvitation(
  deps: InvitationDeps,
  input: { tenantId: string; invitationId: string; actor: Actor },
): Promise<{ kind: "revoked" } | Refusal> {
  const power = await authorizeInviter(deps, input.tenantId, input.actor);
  if (power.kind !== "ok") return power;
  const pending = await findPendingInvitation(deps.db, input.tenantId, input.invitationId);
  if (!pending) return { kind: "invitation_not_found" };
  if (!power.mayGrant(pending.roles)) return { kind: "forbidden" };
  if (!(await markInvitationRevoked(deps.db, input.tenantId, input.invitationId, deps.now)))
    return { kind: "invitation_not_found" };
  await recordAuditEvent(deps.db, {
    action: "invitation.revoked",
    success: true,
    actorId: input.actor.userId,
    tenantId: input.tenantId,
    ipHash: input.actor.client.ipHash,
    userAgent: input.actor.client.userAgent,
    metadata: { invitationId: input.invitationId },
  });
  return { kind: "revoked" };
}
