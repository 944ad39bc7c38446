// The admin API's inputs (queries, bodies, path ids) and its opaque cursor, shared by the JSON routes
// and the console pages.
import { z } from "zod";
import { ROLE_KEY_PATTERN } from "../tenancy/role-catalogue.ts";

export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 50;

/** A cursor is the last row's id in base64url: opaque to callers, checked as a UUID when it returns. */
export function encodeCursor(id: string): string {
  return btoa(id).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): string | null {
  try {
    const id = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    return z.uuid().safeParse(id).success ? id : null;
  } catch {
    return null;
  }
}

const Cursor = z
  .string()
  .max(64)
  .transform((cursor, ctx) => {
    const id = decodeCursor(cursor);
    if (id === null) {
      ctx.addIssue({ code: "custom", message: "must be a cursor from a previous page" });
      return z.NEVER;
    }
    return id;
  });

const Limit = z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT);
const SearchText = z.string().trim().max(254);

export const UserId = z.uuid();
export const UserStatus = z.enum(["ACTIVE", "DISABLED", "DELETED"]);
export const RoleKey = z.string().regex(ROLE_KEY_PATTERN, "must be upper snake case, 2 to 64 characters");
/** Path parameters as the routes check them (userIdParam, roleKeyParam), for the API description. */
export const UserIdParams = z.object({ id: UserId });
export const UserRoleParams = z.object({ id: UserId, role: RoleKey });
export const TenantIdParams = z.object({ id: z.uuid() });

export const UserSearchQuery = z.strictObject({
  q: SearchText.optional(),
  status: UserStatus.optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});

export const TenantSearchQuery = z.strictObject({
  q: SearchText.optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});

export const AuditQuery = z
  .strictObject({
    userId: UserId.optional(),
    action: z
      .string()
      .regex(/^[a-z][a-z0-9_.]{0,63}$/, "must be an action name such as admin.user_disabled")
      .optional(),
    from: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
    to: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
    cursor: Cursor.optional(),
    limit: Limit,
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    message: "from must not be after to",
    path: ["from"],
  });

/** For POSTs that take no fields: nothing, or `{}`. */
export const EmptyBody = z.strictObject({});
export const DisableBody = z.strictObject({ reason: z.string().trim().min(1).max(200).optional() });
export const RevokeSessionsBody = z.strictObject({ sessionId: z.uuid().optional() });
export const GrantBody = z.strictObject({ role: RoleKey });
export const CreateRoleBody = z.strictObject({
  key: RoleKey,
  scope: z.enum(["PLATFORM", "TENANT"]),
  description: z.string().trim().max(500).default(""),
});
