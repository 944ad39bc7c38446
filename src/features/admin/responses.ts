// The documented shapes of the admin API's answers (routes.ts, catalogue-routes.ts, present.ts).
import { z } from "zod";
import { UserStatus } from "./schemas.ts";

const Timestamp = z.iso.datetime();
const NullableTimestamp = Timestamp.nullable();
/** An audit event's metadata: display facts the event recorded (never a secret or raw IP). */
const Metadata = z.record(z.string(), z.unknown());
const NextCursor = z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last." });
const RoleScope = z.enum(["PLATFORM", "TENANT"]);
const TenantStatus = z.enum(["ACTIVE", "SUSPENDED"]);
const MembershipStatus = z.enum(["ACTIVE", "SUSPENDED"]);
const TenantSummary = z.object({ id: z.uuid(), slug: z.string(), name: z.string() });

export const UserSearchResponse = z.object({
  users: z.array(
    z.object({
      id: z.uuid(),
      email: z.string(),
      name: z.string().nullable(),
      status: UserStatus,
      emailVerified: z.boolean(),
      createdAt: Timestamp,
    }),
  ),
  nextCursor: NextCursor,
});

const LoginHistoryEntry = z.object({
  id: z.uuid(),
  at: Timestamp,
  success: z.boolean(),
  method: z.string().nullable(),
  provider: z.string().nullable(),
  issuer: z.string().nullable(),
  ipHash: z.string().nullable(),
  userAgent: z.string().nullable(),
  sessionId: z.uuid().nullable(),
  durationMinutes: z.int().nonnegative().nullable(),
});

export const UserDetailResponse = z.object({
  profile: z.object({
    id: z.uuid(),
    email: z.string(),
    emailVerified: z.boolean(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    status: UserStatus,
    locked: z.boolean(),
    createdAt: Timestamp,
    deletedAt: NullableTimestamp,
  }),
  identities: z.array(z.object({ provider: z.string(), email: z.string().nullable(), linkedAt: Timestamp })),
  factors: z.object({
    totp: z.boolean(),
    passkeys: z.object({ count: z.int().nonnegative(), names: z.array(z.string()) }),
    recoveryCodesLeft: z.int().nonnegative(),
  }),
  sessions: z.array(
    z.object({
      id: z.uuid(),
      createdAt: Timestamp,
      lastSeenAt: Timestamp,
      userAgent: z.string().nullable(),
      active: z.boolean(),
      revokedAt: NullableTimestamp,
    }),
  ),
  memberships: z.array(z.object({ tenant: TenantSummary, status: MembershipStatus, roles: z.array(z.string()) })),
  platformRoles: z.array(z.string()),
  recentAudit: z.array(
    z.object({
      id: z.uuid(),
      action: z.string(),
      success: z.boolean(),
      at: Timestamp,
      actorId: z.uuid().nullable(),
      tenantId: z.uuid().nullable(),
      metadata: Metadata,
    }),
  ),
  loginHistory: z.array(LoginHistoryEntry),
  emailUndeliverable: z
    .object({ at: Timestamp, reason: z.string().nullable() })
    .nullable()
    .meta({ description: "Set while the provider reported a hard bounce or complaint for the address." }),
  deliveries: z.array(
    z.object({
      id: z.uuid(),
      channel: z.enum(["EMAIL", "SMS"]),
      template: z.string(),
      status: z.enum(["PENDING", "SENT", "FAILED", "BOUNCED", "COMPLAINED"]),
      attempts: z.int().nonnegative(),
      reason: z.string().nullable(),
      createdAt: Timestamp,
      sentAt: NullableTimestamp,
      reportedAt: NullableTimestamp,
    }),
  ),
});

export const UserStatusResponse = z.object({
  id: z.uuid(),
  status: z.enum(["ACTIVE", "DISABLED"]),
  changed: z.boolean().meta({ description: "False when the user already had this status." }),
});
export const RevokeSessionsResponse = z.object({ revokedSessions: z.array(z.uuid()) });
export const PasswordResetResponse = z.object({ status: z.literal("requested"), message: z.string() });
export const GrantResponse = z.object({
  id: z.uuid(),
  role: z.string(),
  changed: z.boolean().meta({ description: "False (200) when the user already held the role; true (201) otherwise." }),
});
export const RemoveRoleResponse = z.object({ id: z.uuid(), role: z.string(), removed: z.literal(true) });

export const RoleListResponse = z.object({
  roles: z.array(z.object({ key: z.string(), scope: RoleScope, description: z.string(), createdAt: Timestamp })),
});
export const CreateRoleResponse = z.object({
  role: z.object({ key: z.string(), scope: RoleScope, description: z.string() }),
});

export const TenantSearchResponse = z.object({
  tenants: z.array(
    z.object({
      id: z.uuid(),
      slug: z.string(),
      name: z.string(),
      status: TenantStatus,
      createdAt: Timestamp,
      members: z.int().nonnegative(),
    }),
  ),
  nextCursor: NextCursor,
});

export const TenantMembersResponse = z.object({
  tenant: TenantSummary.extend({ status: TenantStatus }),
  members: z.array(
    z.object({
      user: z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable(), status: UserStatus }),
      status: MembershipStatus,
      roles: z.array(z.string()),
      joinedAt: Timestamp,
    }),
  ),
});

export const AuditResponse = z.object({
  events: z.array(
    z.object({
      id: z.uuid(),
      action: z.string(),
      success: z.boolean(),
      createdAt: Timestamp,
      userId: z.uuid().nullable(),
      actorId: z.uuid().nullable(),
      tenantId: z.uuid().nullable(),
      userAgent: z.string().nullable(),
      metadata: Metadata,
    }),
  ),
  nextCursor: NextCursor,
});
