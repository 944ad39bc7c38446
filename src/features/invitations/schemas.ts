// Field rules shared by the invitation JSON routes and the invitation pages, the routes' request
// schemas and the documented shapes of their answers.
import { z } from "zod";
import { normalizeEmail } from "../account/email.ts";
import { normalizePassword, PASSWORD_MAX_LENGTH } from "../account/password-policy.ts";
import { DisplayName } from "../account/schemas.ts";
import { DeliveredSession } from "../session/schemas.ts";
import { ROLE_KEY_PATTERN } from "../tenancy/role-catalogue.ts";

/** The invitation link's token: 256 bits, base64url. Anything else gets the one invalid_token answer. */
export const INVITATION_TOKEN = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

const AnyToken = z.string().max(512).meta({ description: "The invitation link's token." });
const Email = z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254));
const Password = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4)
  .transform(normalizePassword);
const MAX_ROLES = 16;

export const CreateInvitationBody = z.strictObject({
  email: Email,
  roles: z.array(z.string().regex(ROLE_KEY_PATTERN)).min(1).max(MAX_ROLES),
});
export const AcceptBody = z.strictObject({
  token: AnyToken,
  password: Password.optional().meta({ description: "Without a session: the new account's password." }),
  name: DisplayName.optional(),
  client: z.enum(["browser", "api"]).default("browser"),
});
export const DeclineBody = z.strictObject({ token: AnyToken });

/** Not a UUID: the same 404 an unknown tenant (tenant_not_found) or invitation (invitation_not_found) gets. */
export const TenantInvitationsParams = z.object({ id: z.uuid() });
export const InvitationParams = z.object({ id: z.uuid(), invitationId: z.uuid() });

const Timestamp = z.iso.datetime();
const Invitation = z.object({
  id: z.uuid(),
  email: z.string(),
  roles: z.array(z.string()),
  expiresAt: Timestamp,
  status: z.enum(["pending", "expired"]),
  sendCount: z.number().int().positive(),
  lastSentAt: Timestamp,
});

export const InvitationResponse = z.object({ invitation: Invitation });
export const InvitationListResponse = z.object({ invitations: z.array(Invitation) });
export const RevokeInvitationResponse = z.object({ status: z.literal("revoked") });
export const DeclineInvitationResponse = z.object({ status: z.literal("declined") });

const JoinedTenant = z
  .object({ id: z.uuid(), slug: z.string().nullable() })
  .meta({ description: "slug is null when the session could not switch to the tenant." });
const Joined = {
  tenant: JoinedTenant,
  roles: z.array(z.string()).meta({ description: "What the new access token carries." }),
  grantedRoles: z.array(z.string()).meta({ description: "The invitation's roles." }),
};

export const AcceptedResponse = z.object({
  status: z.literal("accepted"),
  ...Joined,
  session: z
    .object({ accessToken: z.string().optional(), tokenType: z.literal("Bearer").optional() })
    .meta({ description: "A new access token with the tenant: Bearer callers get it here, browsers as their cookie." }),
});

export const SignedInResponse = z.object({ status: z.literal("signed_in"), ...Joined, session: DeliveredSession });
