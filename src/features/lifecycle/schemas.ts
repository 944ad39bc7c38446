// Request schemas of the lifecycle routes (deletion, export) and the documented shapes of their answers.
import { z } from "zod";
import { NOTIFICATION_KINDS } from "../notifications/channels.ts";
import { Preferences } from "../profile/schemas.ts";

/** `{"confirm": "DELETE"}`: any other word is 400 confirmation_required (checked by the route). */
export const DeleteBody = z.strictObject({
  confirm: z.string().max(64).meta({ description: 'The word "DELETE".' }),
});
/** DELETE /admin/users/:id?confirm=<id>: the route compares it with the path's id (for the description). */
export const HardDeleteQuery = z.object({
  confirm: z.string().meta({ description: "The user's id again; anything else is 400 confirmation_required." }),
});
export const TargetUserParams = z.object({ id: z.uuid() });

const Timestamp = z.iso.datetime();
const NullableTimestamp = Timestamp.nullable();
const Json = z.record(z.string(), z.unknown());
const Scrub = Timestamp.meta({ description: "When the personal data is scrubbed unless the deletion is cancelled." });

export const DeleteAccountResponse = z.object({ status: z.literal("deleted"), scrubOn: Scrub });
export const AdminSoftDeleteResponse = z.object({ status: z.literal("deleted"), userId: z.uuid(), scrubOn: Scrub });
export const HardDeleteResponse = z.object({ status: z.literal("hard_deleted"), userId: z.uuid() });

const InvitationExport = z.object({
  tenant: z.string().meta({ description: "The tenant's slug." }),
  roles: z.array(z.string()),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  acceptedAt: NullableTimestamp,
  declinedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});

/** export.ts's exportAccountData: what the gateway holds about the user, without secrets or hashes. */
export const AccountExportResponse = z.object({
  exportedAt: Timestamp,
  profile: z.object({
    id: z.uuid(),
    name: z.string().nullable(),
    image: z.string().nullable(),
    username: z.string().nullable(),
    preferences: Preferences.nullable(),
    status: z.enum(["ACTIVE", "DISABLED", "DELETED"]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
  onboarding: z
    .object({
      startedAt: Timestamp,
      updatedAt: Timestamp,
      currentStep: z.string().nullable(),
      completedSteps: z.array(z.string()),
      data: Json,
      completedAt: NullableTimestamp,
    })
    .nullable(),
  email: z.object({
    address: z.string(),
    verifiedAt: NullableTimestamp,
    undeliverable: z
      .object({ at: Timestamp, reason: z.string().nullable() })
      .nullable()
      .meta({ description: "Set while mail to the address bounces or was reported as spam." }),
  }),
  // issue 16 (found by the fuzz test): the inbox and the delivery log the export has held since issue 15.
  notifications: z.array(
    z.object({ type: z.enum(NOTIFICATION_KINDS), data: Json, createdAt: Timestamp, readAt: NullableTimestamp }),
  ),
  deliveries: z.array(
    z.object({
      channel: z.string(),
      template: z.string(),
      status: z.string(),
      attempts: z.int().nonnegative(),
      errorReason: z.string().nullable(),
      createdAt: Timestamp,
      sentAt: NullableTimestamp,
      reportedAt: NullableTimestamp,
    }),
  ),
  phone: z.object({ number: z.string(), verifiedAt: NullableTimestamp }).nullable(),
  signInMethods: z.array(z.object({ provider: z.string(), createdAt: Timestamp, updatedAt: Timestamp })),
  identities: z.array(
    z.object({
      providerId: z.string(),
      providerType: z.string(),
      issuer: z.string(),
      subject: z.string(),
      email: z.string().nullable(),
      emailVerified: z.boolean(),
      profile: Json,
      linkedAt: Timestamp,
      lastUsedAt: NullableTimestamp,
    }),
  ),
  passkeys: z.array(
    z.object({
      name: z.string(),
      createdAt: Timestamp,
      lastUsedAt: NullableTimestamp,
      backupEligible: z.boolean(),
      backedUp: z.boolean(),
      transports: z.array(z.string()),
    }),
  ),
  totp: z.object({
    enabled: z.boolean(),
    createdAt: Timestamp.optional().meta({ description: "Absent when no authenticator was ever set up." }),
    confirmedAt: NullableTimestamp.optional(),
  }),
  recoveryCodes: z.object({ left: z.int().nonnegative() }),
  sessions: z.array(
    z.object({
      createdAt: Timestamp,
      lastSeenAt: Timestamp,
      expiresAt: Timestamp,
      revokedAt: NullableTimestamp,
      revokeReason: z.string().nullable(),
      userAgent: z.string().nullable(),
      amr: z.array(z.string()),
    }),
  ),
  memberships: z.array(
    z.object({
      tenant: z.string(),
      tenantName: z.string(),
      status: z.enum(["ACTIVE", "SUSPENDED"]),
      roles: z.array(z.string()),
      since: Timestamp,
    }),
  ),
  platformRoles: z.array(z.object({ role: z.string(), since: Timestamp })),
  invitations: z.object({
    sent: z.array(InvitationExport.extend({ email: z.string() })),
    received: z.array(InvitationExport),
  }),
  auditEvents: z.object({
    total: z.int().nonnegative().meta({ description: "All of the user's events; `events` holds the latest 1000." }),
    events: z.array(
      z.object({
        action: z.string(),
        success: z.boolean(),
        createdAt: Timestamp,
        userAgent: z.string().nullable(),
        metadata: Json,
      }),
    ),
  }),
});
