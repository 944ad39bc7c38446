// The admin API's OpenAPI declarations (routes.ts, catalogue-routes.ts and lifecycle/admin-routes.ts).
import type { ErrorCode } from "../../http/error-codes.ts";
import { describeSessionRoute, type OperationDeclaration } from "../../http/openapi/describe.ts";
import {
  AuditResponse,
  CreateRoleResponse,
  GrantResponse,
  PasswordResetResponse,
  RemoveRoleResponse,
  RevokeSessionsResponse,
  RoleListResponse,
  TenantMembersResponse,
  TenantSearchResponse,
  UserDetailResponse,
  UserSearchResponse,
  UserStatusResponse,
} from "./responses.ts";
import {
  AuditQuery,
  CreateRoleBody,
  DisableBody,
  EmptyBody,
  GrantBody,
  RevokeSessionsBody,
  TenantIdParams,
  TenantSearchQuery,
  UserIdParams,
  UserRoleParams,
  UserSearchQuery,
} from "./schemas.ts";

/** requirePlatformAdmin() beyond requireSession(): the role (403), then a recent MFA sign-in (401). */
export const ADMIN_GUARD_ERRORS = ["forbidden", "reauthentication_required", "second_factor_required"] as const;

type AdminDeclaration = Omit<OperationDeclaration, "auth" | "tag" | "errors"> & { errors?: readonly ErrorCode[] };

/** describe() for a route behind requirePlatformAdmin(), tagged admin. */
export const describeAdminRoute = ({ errors = [], ...declaration }: AdminDeclaration) =>
  describeSessionRoute({ ...declaration, tag: "admin", errors: [...errors, ...ADMIN_GUARD_ERRORS] });

const OPTIONAL_BODY = "The body may be left out (no body and no Content-Type); anything sent must be JSON.";

export const adminUserDoc = {
  search: describeAdminRoute({
    operationId: "adminSearchUsers",
    summary: "Users whose email or name contains `q`, newest first, keyset-paged",
    query: UserSearchQuery,
    responses: { 200: UserSearchResponse },
    errors: ["invalid_request"],
  }),
  detail: describeAdminRoute({
    operationId: "adminGetUser",
    summary: "One user: profile, sign-in methods, sessions, memberships, roles, recent audit and deliveries",
    params: UserIdParams,
    responses: { 200: UserDetailResponse },
    errors: ["invalid_request", "user_not_found"],
  }),
  disable: describeAdminRoute({
    operationId: "adminDisableUser",
    summary: "Disable a user: every session ends and no sign-in succeeds until enabled",
    description: OPTIONAL_BODY,
    params: UserIdParams,
    body: DisableBody,
    bodyRequired: false,
    responses: { 200: UserStatusResponse },
    errors: ["user_not_found", "cannot_disable_self", "user_deleted", "last_platform_admin"],
  }),
  enable: describeAdminRoute({
    operationId: "adminEnableUser",
    summary: "Let a disabled user sign in again",
    description: OPTIONAL_BODY,
    params: UserIdParams,
    body: EmptyBody,
    bodyRequired: false,
    responses: { 200: UserStatusResponse },
    errors: ["user_not_found", "user_deleted"],
  }),
  revokeSessions: describeAdminRoute({
    operationId: "adminRevokeUserSessions",
    summary: "End one session of the user (`sessionId`) or all of them",
    description: OPTIONAL_BODY,
    params: UserIdParams,
    body: RevokeSessionsBody,
    bodyRequired: false,
    responses: { 200: RevokeSessionsResponse },
    errors: ["user_not_found", "session_not_found"],
  }),
  passwordReset: describeAdminRoute({
    operationId: "adminSendPasswordReset",
    summary: "Mail the user a password reset link",
    description: OPTIONAL_BODY,
    params: UserIdParams,
    body: EmptyBody,
    bodyRequired: false,
    responses: { 202: PasswordResetResponse },
    errors: ["user_not_found", "user_deleted"],
  }),
  grantRole: describeAdminRoute({
    operationId: "adminGrantPlatformRole",
    summary: "Grant the user a platform role (201; 200 when already held)",
    params: UserIdParams,
    body: GrantBody,
    responses: { 200: GrantResponse, 201: GrantResponse },
    errors: ["unknown_role", "user_not_found", "user_not_active"],
  }),
  removeRole: describeAdminRoute({
    operationId: "adminRemovePlatformRole",
    summary: "Remove a platform role from the user",
    params: UserRoleParams,
    responses: { 200: RemoveRoleResponse },
    errors: ["invalid_request", "unknown_role", "user_not_found", "role_not_granted", "last_platform_admin"],
  }),
};

export const adminCatalogueDoc = {
  roles: describeAdminRoute({
    operationId: "adminListRoles",
    summary: "The role catalogue, platform roles first",
    responses: { 200: RoleListResponse },
  }),
  createRole: describeAdminRoute({
    operationId: "adminCreateRole",
    summary: "Add a role to the catalogue",
    body: CreateRoleBody,
    responses: { 201: CreateRoleResponse },
    errors: ["role_exists"],
  }),
  tenants: describeAdminRoute({
    operationId: "adminSearchTenants",
    summary: "Tenants whose slug or name contains `q`, with member counts, newest first, keyset-paged",
    query: TenantSearchQuery,
    responses: { 200: TenantSearchResponse },
    errors: ["invalid_request"],
  }),
  tenantMembers: describeAdminRoute({
    operationId: "adminListTenantMembers",
    summary: "A tenant's members with their roles",
    params: TenantIdParams,
    responses: { 200: TenantMembersResponse },
    errors: ["invalid_request", "tenant_not_found"],
  }),
  audit: describeAdminRoute({
    operationId: "adminQueryAudit",
    summary: "Audit events by user, action and time, newest first, keyset-paged",
    query: AuditQuery,
    responses: { 200: AuditResponse },
    errors: ["invalid_request"],
  }),
};
