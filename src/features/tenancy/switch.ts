// Switching a session's active tenant: only to a tenant the user is an active member of; the session
// keeps its refresh token family and gets an access token carrying that tenant and its roles.
import { recordAuditEvent } from "../audit/service.ts";
import { reissueAccessToken } from "../session/reissue.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";

export type SwitchResult =
  | {
      kind: "ok";
      tenant: { id: string; slug: string };
      /** What the new token carries: empty while the session must enroll a second factor. */
      roles: string[];
      /** The user must enroll a second factor before the token carries the tenant and its roles. */
      mfaEnrollmentRequired: boolean;
      token: { accessToken: string; accessTokenExpiresAt: Date };
    }
  /** Not an active member of an active tenant by that id or slug (the same answer as no such tenant). */
  | { kind: "not_member" }
  | { kind: "session_ended" };

/**
 * Points the session at the tenant named by `tenant` (its id or its slug) when the user is an active
 * member, in one conditional UPDATE, then issues the access token that goes with it. Audited.
 */
export async function switchActiveTenant(
  deps: SessionDeps,
  input: { sessionId: string; userId: string; tenant: { id: string } | { slug: string }; client: ClientInfo },
): Promise<SwitchResult> {
  const byId = "id" in input.tenant ? input.tenant.id : null;
  const bySlug = "slug" in input.tenant ? input.tenant.slug : null;
  const rows = await deps.db.$queryRaw<Array<{ id: string; slug: string }>>`
    UPDATE sessions s SET active_tenant_id = t.id
    FROM tenants t JOIN memberships m ON m.tenant_id = t.id
    WHERE s.id = ${input.sessionId}::uuid AND s.user_id = ${input.userId}::uuid AND s.revoked_at IS NULL
      AND (t.id = ${byId}::uuid OR t.slug = ${bySlug}::text) AND t.status = 'ACTIVE'
      AND m.user_id = ${input.userId}::uuid AND m.status = 'ACTIVE'
    RETURNING t.id, t.slug`;
  const tenant = rows[0];
  if (!tenant) return { kind: "not_member" };
  const token = await reissueAccessToken(deps, { sessionId: input.sessionId, userId: input.userId });
  if (!token) return { kind: "session_ended" };
  await recordAuditEvent(deps.db, {
    action: "tenant.switched",
    success: true,
    userId: input.userId,
    tenantId: tenant.id,
    ipHash: input.client.ipHash,
    userAgent: input.client.userAgent,
    metadata: { sessionId: input.sessionId },
  });
  const { authorization, ...accessToken } = token;
  return {
    kind: "ok",
    tenant,
    roles: authorization.roles,
    mfaEnrollmentRequired: authorization.mfaEnrollmentRequired,
    token: accessToken,
  };
}
