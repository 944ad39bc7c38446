// How admin reads are shown: the user detail as the API answers it (and the console renders it).
import { presentLoginHistoryEntry } from "../history/repository.ts";
import type { UserDetail } from "./repository.ts";

/** The detail of one user: profile, sign-in methods, sessions, memberships, roles and recent audit. */
export function presentUserDetail(user: UserDetail, now: Date) {
  const live = (session: UserDetail["sessions"][number]) =>
    session.revokedAt === null && session.expiresAt > now && session.idleExpiresAt > now;
  return {
    profile: {
      id: user.id,
      email: user.email,
      emailVerified: user.emailVerifiedAt !== null,
      name: user.name,
      phone: user.phoneNumber,
      status: user.status,
      locked: user.lockedAt !== null,
      createdAt: user.createdAt.toISOString(),
      deletedAt: user.deletedAt?.toISOString() ?? null,
    },
    identities: user.identities.map((identity) => ({
      provider: identity.providerId,
      email: identity.email,
      linkedAt: identity.linkedAt.toISOString(),
    })),
    factors: {
      totp: user.totp?.confirmedAt != null,
      passkeys: { count: user.passkeys.length, names: user.passkeys.map((passkey) => passkey.name) },
      recoveryCodesLeft: user.recoveryCodes.length,
    },
    sessions: user.sessions.map((session) => ({
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
      userAgent: session.userAgent,
      active: live(session),
      revokedAt: session.revokedAt?.toISOString() ?? null,
    })),
    memberships: user.memberships.map((membership) => ({
      tenant: membership.tenant,
      status: membership.status,
      roles: membership.roles.map((role) => role.roleKey),
    })),
    platformRoles: user.platformRoles.map((grant) => grant.roleKey),
    recentAudit: user.events.map((event) => ({
      id: event.id,
      action: event.action,
      success: event.success,
      at: event.createdAt.toISOString(),
      actorId: event.actorId,
      tenantId: event.tenantId,
      metadata: event.metadata,
    })),
    // issue 15: sign-in attempts with method, ip_hash, user agent and ended sessions' length.
    loginHistory: user.loginHistory.map(presentLoginHistoryEntry),
    // issue 15: whether mail reaches the address, and what was sent lately (no bodies).
    emailUndeliverable: user.emailUndeliverableAt
      ? { at: user.emailUndeliverableAt.toISOString(), reason: user.emailUndeliverableReason }
      : null,
    deliveries: user.deliveries.map((entry) => ({
      id: entry.id,
      channel: entry.channel,
      template: entry.template,
      status: entry.status,
      attempts: entry.attempts,
      reason: entry.errorReason,
      createdAt: entry.createdAt.toISOString(),
      sentAt: entry.sentAt?.toISOString() ?? null,
      reportedAt: entry.reportedAt?.toISOString() ?? null,
    })),
  };
}

export type PresentedUserDetail = ReturnType<typeof presentUserDetail>;
