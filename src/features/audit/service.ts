// The audit trail: one row per auth event, with an ip_hash (never the raw IP) and no secrets in metadata.
import type { Database } from "../../db/client.ts";

export type AuditAction =
  | "user.signed_up"
  | "user.signup_duplicate"
  | "login.succeeded"
  | "login.failed"
  | "login.throttled"
  | "logout"
  | "session.refreshed"
  | "session.refresh_reuse_detected"
  | "session.revoked"
  | "password.changed"
  | "password.rehashed"
  | "account.locked"
  | "user.disabled"
  | "email.verified"
  | "email.verification_failed"
  | "password.reset_requested"
  | "password.reset"
  | "email.changed"
  | "phone.verified"
  | "profile.updated"
  | "preferences.updated"
  | "mfa.totp_enabled"
  | "mfa.totp_disabled"
  | "mfa.recovery_codes_generated"
  | "mfa.recovery_code_used"
  | "mfa.failed"
  | "password.reset_second_factor"
  | "session.reauthenticated"
  | "passkey.registered"
  | "passkey.removed"
  | "passkey.counter_regression"
  | "passkey.rejected"
  | "identity.linked"
  | "identity.unlinked"
  | "identity.link_requested"
  | "identity.link_refused"
  | "identity.reconsent_required"
  | "tenant.created"
  | "tenant.switched"
  | "tenant.member_added"
  | "tenant.member_roles_changed"
  | "tenant.member_removed"
  | "tenant.member_left"
  | "invitation.created"
  | "invitation.resent"
  | "invitation.revoked"
  | "invitation.accepted"
  | "invitation.declined"
  | "invitation.refused"
  | "admin.user_disabled"
  | "admin.user_enabled"
  | "admin.sessions_revoked"
  | "admin.password_reset_sent"
  | "admin.platform_role_granted"
  | "admin.platform_role_removed"
  | "admin.role_created"
  | "admin.user_deleted"
  | "admin.user_hard_deleted"
  | "user.deleted"
  | "user.deletion_cancelled"
  | "user.scrubbed"
  | "account.exported"
  // issue 15: delivery log
  | "email.undeliverable"
  | "email.undeliverable_cleared"
  // issue 15: onboarding sessions
  | "onboarding.started"
  | "onboarding.step_completed"
  | "onboarding.completed"
  // issue 15: notifications
  | "notifications.read";

export type AuditEventInput = {
  action: AuditAction;
  success: boolean;
  /** Whom the event is about (for an admin action: the target). */
  userId?: string | null;
  /** Who acted, when not the subject themselves (an owner, an admin). */
  actorId?: string | null;
  tenantId?: string | null;
  ipHash?: string | null;
  userAgent?: string | null;
  /** Ids, methods and reasons only: never a token, code, password or raw IP. */
  metadata?: Record<string, string | number | boolean | null | string[]>;
};

export async function recordAuditEvent(db: Database, event: AuditEventInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      action: event.action,
      success: event.success,
      userId: event.userId ?? null,
      actorId: event.actorId ?? null,
      tenantId: event.tenantId ?? null,
      ipHash: event.ipHash ?? null,
      userAgent: event.userAgent ?? null,
      metadata: event.metadata ?? {},
    },
  });
}
