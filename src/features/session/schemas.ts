// Request schemas of the session routes and the documented shapes of their answers.
import { z } from "zod";

// The token is optional: many browser clients send `{}` with the cookie, which then carries it.
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512).optional() });
export const LogoutBody = z.strictObject({ refreshToken: z.string().min(1).max(512).optional() });
export const SessionIdParam = z.uuid();
export const SessionIdParams = z.object({ id: SessionIdParam });

const Timestamp = z.iso.datetime();

/** A session a sign-in or refresh delivered: browsers get cookies, API clients the tokens too. */
export const DeliveredSession = z.object({
  id: z.uuid(),
  accessTokenExpiresAt: Timestamp,
  accessToken: z.string().optional().meta({ description: "API clients only." }),
  tokenType: z.literal("Bearer").optional(),
  refreshToken: z.string().optional().meta({ description: "API clients only; rotated on every refresh." }),
  refreshTokenExpiresAt: Timestamp.optional(),
});

/** A new access token for the same session after a change it carries; Bearer callers get it in the body. */
export const ReissuedToken = z.object({
  accessTokenExpiresAt: Timestamp,
  accessToken: z.string().optional(),
  tokenType: z.literal("Bearer").optional(),
});

export const RefreshResponse = z.object({ session: DeliveredSession });

export const VerifyResponse = z.object({
  userId: z.uuid(),
  sessionId: z.uuid(),
  amr: z.array(z.string()),
  roles: z.array(z.string()),
  authTime: Timestamp,
  expiresAt: Timestamp,
});

const TenantSummary = z.object({ id: z.uuid(), slug: z.string(), name: z.string() });

export const SessionResponse = z.object({
  user: z.object({
    id: z.uuid(),
    email: z.string(),
    emailVerified: z.boolean(),
    name: z.string().nullable(),
    image: z.string().nullable(),
    phoneNumber: z.string().nullable(),
    phoneVerified: z.boolean(),
    createdAt: Timestamp,
  }),
  session: z.object({
    id: z.uuid(),
    amr: z.array(z.string()),
    authTime: Timestamp,
    accessTokenExpiresAt: Timestamp,
    mfaEnrollmentRequired: z.boolean(),
  }),
  memberships: z.array(
    z.object({ tenant: TenantSummary, roles: z.array(z.string()), status: z.enum(["ACTIVE", "SUSPENDED"]) }),
  ),
  activeTenant: TenantSummary.nullable(),
  notifications: z.object({ unreadCount: z.number().int().nonnegative() }),
});

export const SessionListResponse = z.object({
  sessions: z.array(
    z.object({
      id: z.uuid(),
      current: z.boolean(),
      createdAt: Timestamp,
      lastSeenAt: Timestamp,
      expiresAt: Timestamp,
      ipHash: z.string().nullable(),
      userAgent: z.string().nullable(),
      amr: z.array(z.string()),
    }),
  ),
});

export const RevokeOthersResponse = z.object({ revoked: z.int().nonnegative() });
