// The user's data export: what we hold about them, as JSON, without a single secret, hash or IP hash.
import type { Database } from "../../db/client.ts";
import { channelsFromStored, kindOfType } from "../notifications/channels.ts";

/** Most recent audit events included; older ones are summarized by the count. */
export const EXPORT_AUDIT_LIMIT = 1000;
/** Most recent notifications and delivery-log rows included (issue 15). */
export const EXPORT_LIST_LIMIT = 1000;

const iso = (value: Date | null | undefined) => value?.toISOString() ?? null;

/** Everything the export holds; only explicitly selected columns, so a new secret column never leaks in. */
export async function exportAccountData(db: Database, userId: string, now: Date) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      emailVerifiedAt: true,
      name: true,
      image: true,
      username: true,
      preferences: { select: { theme: true, locale: true, timeZone: true, notificationChannels: true } },
      emailUndeliverableAt: true,
      emailUndeliverableReason: true,
      onboarding: {
        select: {
          currentStep: true,
          completedSteps: true,
          data: true,
          completedAt: true,
          createdAt: true,
          updatedAt: true,
        },
      },
      phoneNumber: true,
      phoneVerifiedAt: true,
      status: true,
      createdAt: true,
      updatedAt: true,
      accounts: { select: { provider: true, createdAt: true, updatedAt: true } },
      identities: {
        select: {
          providerId: true,
          providerType: true,
          issuer: true,
          subject: true,
          email: true,
          emailVerified: true,
          profile: true,
          linkedAt: true,
          lastUsedAt: true,
        },
      },
      passkeys: {
        select: {
          name: true,
          createdAt: true,
          lastUsedAt: true,
          backupEligible: true,
          backedUp: true,
          transports: true,
        },
      },
      totp: { select: { confirmedAt: true, createdAt: true } },
      sessions: {
        select: {
          createdAt: true,
          lastSeenAt: true,
          expiresAt: true,
          revokedAt: true,
          revokeReason: true,
          userAgent: true,
          amr: true,
        },
        orderBy: { createdAt: "desc" },
      },
      memberships: {
        select: {
          status: true,
          createdAt: true,
          tenant: { select: { slug: true, name: true } },
          roles: { select: { roleKey: true } },
        },
      },
      platformRoles: { select: { roleKey: true, createdAt: true } },
      sentInvitations: {
        select: {
          email: true,
          createdAt: true,
          expiresAt: true,
          acceptedAt: true,
          declinedAt: true,
          revokedAt: true,
          tenant: { select: { slug: true } },
          roles: { select: { roleKey: true } },
        },
      },
    },
  });
  if (!user) return null;
  const [recoveryCodesLeft, received, events, eventCount, notifications, deliveries] = await Promise.all([
    db.recoveryCode.count({ where: { userId, usedAt: null } }),
    db.invitation.findMany({
      // Accepted by this account, or still open to its address (answered ones to an address that changed
      // hands belong to whoever answered them).
      where: {
        OR: [{ acceptedBy: userId }, { email: user.email, acceptedAt: null, declinedAt: null, revokedAt: null }],
      },
      select: {
        createdAt: true,
        expiresAt: true,
        acceptedAt: true,
        declinedAt: true,
        revokedAt: true,
        tenant: { select: { slug: true, name: true } },
        roles: { select: { roleKey: true } },
      },
    }),
    db.auditEvent.findMany({
      where: { userId },
      select: { action: true, success: true, createdAt: true, userAgent: true, metadata: true },
      orderBy: { createdAt: "desc" },
      take: EXPORT_AUDIT_LIMIT,
    }),
    db.auditEvent.count({ where: { userId } }),
    // Issue 15 (review): the inbox and the delivery log are the user's data too; never the recipient hash.
    db.notification.findMany({
      where: { userId },
      select: { type: true, data: true, createdAt: true, readAt: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: EXPORT_LIST_LIMIT,
    }),
    db.deliveryLogEntry.findMany({
      where: { userId },
      select: {
        channel: true,
        template: true,
        status: true,
        attempts: true,
        errorReason: true,
        createdAt: true,
        sentAt: true,
        reportedAt: true,
      },
      orderBy: { createdAt: "desc" },
      take: EXPORT_LIST_LIMIT,
    }),
  ]);
  const invitation = (i: (typeof received)[number]) => ({
    tenant: i.tenant.slug,
    roles: i.roles.map((r) => r.roleKey),
    createdAt: iso(i.createdAt),
    expiresAt: iso(i.expiresAt),
    acceptedAt: iso(i.acceptedAt),
    declinedAt: iso(i.declinedAt),
    revokedAt: iso(i.revokedAt),
  });
  return {
    exportedAt: now.toISOString(),
    profile: {
      id: user.id,
      name: user.name,
      image: user.image,
      username: user.username,
      preferences: user.preferences
        ? {
            theme: user.preferences.theme,
            locale: user.preferences.locale,
            timeZone: user.preferences.timeZone,
            notifications: channelsFromStored(user.preferences.notificationChannels),
          }
        : null,
      status: user.status,
      createdAt: iso(user.createdAt),
      updatedAt: iso(user.updatedAt),
    },
    // issue 15: the onboarding session as stored (steps done, each step's data, completion); null if never started.
    onboarding: user.onboarding
      ? {
          startedAt: iso(user.onboarding.createdAt),
          updatedAt: iso(user.onboarding.updatedAt),
          currentStep: user.onboarding.currentStep,
          completedSteps: user.onboarding.completedSteps,
          data: user.onboarding.data,
          completedAt: iso(user.onboarding.completedAt),
        }
      : null,
    email: {
      address: user.email,
      verifiedAt: iso(user.emailVerifiedAt),
      undeliverable: user.emailUndeliverableAt
        ? { at: iso(user.emailUndeliverableAt), reason: user.emailUndeliverableReason }
        : null,
    },
    notifications: notifications.map((n) => ({
      type: kindOfType(n.type),
      data: n.data,
      createdAt: iso(n.createdAt),
      readAt: iso(n.readAt),
    })),
    deliveries: deliveries.map((d) => ({
      ...d,
      createdAt: iso(d.createdAt),
      sentAt: iso(d.sentAt),
      reportedAt: iso(d.reportedAt),
    })),
    phone: user.phoneNumber ? { number: user.phoneNumber, verifiedAt: iso(user.phoneVerifiedAt) } : null,
    signInMethods: user.accounts.map((a) => ({
      provider: a.provider,
      createdAt: iso(a.createdAt),
      updatedAt: iso(a.updatedAt),
    })),
    identities: user.identities.map((i) => ({ ...i, linkedAt: iso(i.linkedAt), lastUsedAt: iso(i.lastUsedAt) })),
    passkeys: user.passkeys.map((p) => ({ ...p, createdAt: iso(p.createdAt), lastUsedAt: iso(p.lastUsedAt) })),
    totp: user.totp
      ? {
          enabled: user.totp.confirmedAt !== null,
          createdAt: iso(user.totp.createdAt),
          confirmedAt: iso(user.totp.confirmedAt),
        }
      : { enabled: false },
    recoveryCodes: { left: recoveryCodesLeft },
    sessions: user.sessions.map((s) => ({
      ...s,
      createdAt: iso(s.createdAt),
      lastSeenAt: iso(s.lastSeenAt),
      expiresAt: iso(s.expiresAt),
      revokedAt: iso(s.revokedAt),
    })),
    memberships: user.memberships.map((m) => ({
      tenant: m.tenant.slug,
      tenantName: m.tenant.name,
      status: m.status,
      roles: m.roles.map((r) => r.roleKey),
      since: iso(m.createdAt),
    })),
    platformRoles: user.platformRoles.map((g) => ({ role: g.roleKey, since: iso(g.createdAt) })),
    invitations: {
      sent: user.sentInvitations.map((i) => ({
        ...invitation({ ...i, tenant: { ...i.tenant, name: "" } }),
        email: i.email,
      })),
      received: received.map(invitation),
    },
    auditEvents: {
      total: eventCount,
      events: events.map((e) => ({ ...e, createdAt: iso(e.createdAt) })),
    },
  };
}
