// The tenant a route names, checked against the caller: its active tenant already, a transparent switch
// for a browser that is a member, 403 tenant_mismatch (naming it) for a bearer member, 403 otherwise.
import type { Context } from "hono";
import { verifyAccessToken } from "../crypto/access-token.ts";
import type { GatewayCaller } from "../features/session/caller.ts";
import { sessionFromClaims } from "../features/session/middleware.ts";
import { switchActiveTenant } from "../features/tenancy/switch.ts";
import type { AppEnv } from "../http/app-env.ts";
import { authDependencies, clientInfo } from "../http/auth-context.ts";
import { accessCookieHeader, withoutAccessCookie } from "../http/cookies.ts";
import { pendingSetCookies } from "../http/response-headers.ts";

/** The caller to forward (possibly with a switched session), or why the tenant is refused. */
export type TenantAccess =
  | { kind: "ok"; caller: GatewayCaller }
  | { kind: "tenant_mismatch"; tenant: string }
  /** Not an active member of an active tenant with that slug, or no such tenant: one answer for both. */
  | { kind: "forbidden" };

const secondsUntil = (date: Date, now: Date) => Math.max(0, Math.floor((date.getTime() - now.getTime()) / 1000));

async function isActiveMember(c: Context<AppEnv>, userId: string, slug: string): Promise<boolean> {
  const rows = await c.var.db().$queryRaw<Array<{ found: number }>>`
    SELECT 1 AS found FROM tenants t JOIN memberships m ON m.tenant_id = t.id
    WHERE t.slug = ${slug} AND t.status = 'ACTIVE' AND m.user_id = ${userId}::uuid AND m.status = 'ACTIVE'`;
  return rows.length > 0;
}

// The new access cookie replaces any queued earlier (a refresh at the edge in this same request), so
// the browser keeps the one that names the tenant it is looking at (M2).
function queueAccessCookie(c: Context<AppEnv>, accessToken: string, expiresAt: Date, now: Date): void {
  const cookies = withoutAccessCookie(c, pendingSetCookies(c));
  c.set("pendingSetCookies", [...cookies, accessCookieHeader(c, accessToken, secondsUntil(expiresAt, now))]);
}

async function switchBrowserSession(c: Context<AppEnv>, caller: GatewayCaller, slug: string): Promise<TenantAccess> {
  const deps = await authDependencies(c);
  const { session } = caller;
  const result = await switchActiveTenant(deps, {
    sessionId: session.sessionId,
    userId: session.userId,
    tenant: { slug },
    client: await clientInfo(c),
  });
  if (result.kind !== "ok") return { kind: "forbidden" };
  queueAccessCookie(c, result.token.accessToken, result.token.accessTokenExpiresAt, deps.now);
  const config = c.var.config;
  const verified = await verifyAccessToken(deps.signingKeys, result.token.accessToken, {
    issuer: config.issuer,
    audience: config.audience,
  });
  // Only what the new token itself says is forwarded; a token that names another tenant forwards nothing.
  if (!verified.ok || verified.token.tenantSlug !== slug) return { kind: "forbidden" };
  return { kind: "ok", caller: { session: sessionFromClaims(verified.token), source: caller.source } };
}

/** Checks `caller` against the tenant slug the route resolved (see the file comment for the answers). */
export async function enterTenant(c: Context<AppEnv>, caller: GatewayCaller, slug: string): Promise<TenantAccess> {
  if (caller.session.tenantSlug === slug) return { kind: "ok", caller };
  if (caller.source === "cookie") return switchBrowserSession(c, caller, slug);
  if (await isActiveMember(c, caller.session.userId, slug)) return { kind: "tenant_mismatch", tenant: slug };
  return { kind: "forbidden" };
}
