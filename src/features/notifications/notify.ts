// The hook the audited events call: an audit action that concerns the account becomes a typed
// notification in the user's inbox (same database handle as the audit row, so the same transaction
// when there is one) and, where the user's preference says so, a mail.

import type { Database } from "../../db/client.ts";
import type { DeliverySettings } from "../../delivery/mailer.ts";
import { sendEmail } from "../../delivery/mailer.ts";
import { notificationMessage } from "../../delivery/notification-templates.ts";
import { afterResponse, type Deferral } from "../../http/after-response.ts";
import type { AuditAction } from "../audit/service.ts";
import { channelsFromStored, MAILED_BY_EVENT, type NotificationKind, typeOfKind } from "./channels.ts";

/** Which notification each notifying audit action creates. */
export const NOTIFYING_ACTIONS = {
  // Only when the sign-in came from a new device (session/repository.ts: the user had sessions
  // before, none with this user agent); the caller decides, as it does for the new-device mail.
  "login.succeeded": "new_device_sign_in",
  "password.changed": "password_changed",
  "password.reset": "password_changed",
  "email.changed": "email_changed",
  "mfa.totp_enabled": "second_factor_added",
  "mfa.totp_disabled": "second_factor_removed",
  "passkey.registered": "passkey_added",
  "identity.linked": "identity_linked",
  "invitation.created": "invitation_received",
  "invitation.resent": "invitation_received",
  "user.deleted": "account_deletion_scheduled",
  "admin.user_deleted": "account_deletion_scheduled",
} as const satisfies Partial<Record<AuditAction, NotificationKind>>;
export type NotifyingAction = keyof typeof NOTIFYING_ACTIONS;

/** Display facts per type: never a token, code, raw IP, address or secret. */
export type NotificationData = {
  new_device_sign_in: { device: string; method: string };
  password_changed: { via: "change" | "reset" };
  email_changed: Record<string, never>;
  second_factor_added: { method: "totp" };
  second_factor_removed: { method: "totp" };
  passkey_added: { name: string | null };
  identity_linked: { provider: string };
  invitation_received: { tenantName: string; roles: string[] };
  account_deletion_scheduled: { scrubOn: string; byAdmin: boolean };
};

export type NotifyDeps = { db: Database; now: Date; settings: { mail: DeliverySettings } } & Deferral;

const DEVICE_MAX_LENGTH = 120;

/** A short, display-only summary of a user agent (truncated; the full one stays in the session row). */
export const deviceSummary = (userAgent: string | null | undefined) =>
  (userAgent ?? "unknown").replace(/[\p{Cc}]/gu, " ").slice(0, DEVICE_MAX_LENGTH);

/**
 * Notifies `userId` of `action`: an inbox row unless the user turned the type's in-app channel off,
 * and a mail (after the response) when the email channel is on and the event sends no mail of its own.
 */
export async function notifyFor<A extends NotifyingAction>(
  deps: NotifyDeps,
  action: A,
  input: { userId: string; data: NotificationData[(typeof NOTIFYING_ACTIONS)[A]] },
): Promise<void> {
  const kind: NotificationKind = NOTIFYING_ACTIONS[action];
  const user = await deps.db.user.findUnique({
    where: { id: input.userId },
    select: { email: true, status: true, preferences: { select: { notificationChannels: true } } },
  });
  if (!user) return;
  const channels = channelsFromStored(user.preferences?.notificationChannels)[kind];
  if (channels.inApp)
    await deps.db.notification.create({ data: { userId: input.userId, type: typeOfKind(kind), data: input.data } });
  if (!channels.email || MAILED_BY_EVENT.has(kind) || user.status !== "ACTIVE") return;
  const message = notificationMessage(kind, input.data, deps.now);
  await afterResponse(deps, () => sendEmail(deps.db, deps.settings.mail, user.email, message));
}

/**
 * An invitation sent or sent again to `email`: its holder, when the address is an active user's, finds
 * it in their inbox too. The inviter's answer does not change either way (nothing tells them).
 */
export async function notifyInvitee(
  deps: NotifyDeps,
  action: "invitation.created" | "invitation.resent",
  input: { email: string; tenantId: string; roles: string[] },
): Promise<void> {
  const [invitee, tenant] = await Promise.all([
    deps.db.user.findUnique({ where: { email: input.email }, select: { id: true, status: true } }),
    deps.db.tenant.findUnique({ where: { id: input.tenantId }, select: { name: true } }),
  ]);
  if (invitee?.status !== "ACTIVE" || !tenant) return;
  await notifyFor(deps, action, { userId: invitee.id, data: { tenantName: tenant.name, roles: input.roles } });
}
