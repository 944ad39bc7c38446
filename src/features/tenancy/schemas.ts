// Request schemas of the tenant routes and the documented shapes of their answers.
import { z } from "zod";
import { ROLE_KEY_PATTERN } from "./role-catalogue.ts";
import { MEMBER_PAGE } from "./service.ts";
import { TenantSlug } from "./slug.ts";

// Control characters and bidirectional overrides would let a name display as something else.
const DISGUISING_CHARACTERS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const TenantName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => !DISGUISING_CHARACTERS.test(name), "must be plain text without control characters")
  .transform((name) => name.normalize("NFC"));

export const CreateTenantBody = z.strictObject({
  slug: TenantSlug.meta({ description: "A lowercase DNS label (a-z, 0-9, inner hyphens), not a reserved name." }),
  name: TenantName,
});
export const RolesBody = z.strictObject({
  roles: z.array(z.string().regex(ROLE_KEY_PATTERN, "must be a role key, e.g. STAFF")).min(1).max(16),
});
export const MembersQuery = z.strictObject({
  cursor: z.uuid().optional().meta({ description: "The previous page's nextCursor." }),
  limit: z.coerce.number().int().min(1).max(MEMBER_PAGE.maxSize).default(MEMBER_PAGE.defaultSize),
});
export const Id = z.uuid();
/** Not a UUID: 400 invalid_request naming the parameter. */
export const TenantParams = z.object({ id: Id });
export const MemberParams = z.object({ id: Id, userId: Id });

const Timestamp = z.iso.datetime();
const Status = z.enum(["ACTIVE", "SUSPENDED"]);
const TenantRef = z.object({ id: z.uuid(), slug: z.string() });
const Tenant = z.object({ id: z.uuid(), slug: z.string(), name: z.string(), status: Status });
/** The new access token's delivery: Bearer callers get it in the body, browsers as their cookie. */
const AccessTokenDelivery = {
  accessTokenExpiresAt: Timestamp,
  accessToken: z.string().optional().meta({ description: "Bearer callers only." }),
  tokenType: z.literal("Bearer").optional(),
};
/** After a change to the caller's own memberships: a new access token with its epoch; null when the session ended. */
const RenewedToken = z.object({
  activeTenant: TenantRef.nullable(),
  roles: z.array(z.string()),
  ...AccessTokenDelivery,
});

export const CreateTenantResponse = z.object({
  tenant: Tenant,
  roles: z.array(z.string()),
  session: z.union([
    z.object({
      switched: z.literal(true),
      activeTenant: TenantRef,
      roles: z
        .array(z.string())
        .meta({ description: "What the new token carries (empty while MFA enrollment is due)." }),
      mfaEnrollmentRequired: z.boolean(),
      ...AccessTokenDelivery,
    }),
    z.object({ switched: z.literal(false) }).meta({ description: "The session ended meanwhile: no new token." }),
  ]),
});

export const TenantListResponse = z.object({
  tenants: z.array(
    z.object({
      tenant: Tenant,
      roles: z.array(z.string()),
      status: Status,
      active: z.boolean().meta({ description: "The session's active tenant." }),
    }),
  ),
});

export const SwitchTenantResponse = z.object({
  tenant: TenantRef,
  roles: z.array(z.string()),
  mfaEnrollmentRequired: z.boolean(),
  ...AccessTokenDelivery,
});

export const MemberListResponse = z.object({
  members: z.array(
    z.object({
      userId: z.uuid(),
      email: z.string(),
      name: z.string().nullable(),
      roles: z.array(z.string()),
      status: Status,
      joinedAt: Timestamp,
    }),
  ),
  nextCursor: z.uuid().nullable(),
});

export const MemberRolesResponse = z.object({
  member: z.object({ userId: z.uuid(), roles: z.array(z.string()) }),
  session: RenewedToken.optional().meta({ description: "Only when the caller changed their own roles." }),
});

export const LeaveTenantResponse = z.object({
  left: z.object({ tenantId: z.uuid() }),
  session: RenewedToken.nullable(),
});
