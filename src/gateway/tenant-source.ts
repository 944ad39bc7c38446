// Where a tenant route reads the tenant slug from: one host label or one path segment. Pure code.
import type { GatewayRoute } from "./route-table.ts";

/**
 * Why `route`'s tenantFrom cannot work, undefined when it can: a tenant route forwards a tenant the
 * caller was checked against, which needs a session and a place the slug can come from.
 */
export function tenantSourceProblem(route: GatewayRoute): string | undefined {
  if (route.tenantFrom === undefined) return undefined;
  if (route.policy === "public") return 'tenantFrom needs a signed-in policy, not "public"';
  if (route.tenantFrom === "subdomain" && !route.host?.startsWith("*.")) {
    return 'tenantFrom "subdomain" needs a host of the form *.<domain>';
  }
  return undefined;
}

/** A tenant slug as the gateway accepts it from a host label or a path segment (a DNS label). */
export const TENANT_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The tenant slug `route` reads from the request (host and canonical path), undefined for a route
 * without `tenantFrom`, null when the request names no valid tenant (more than one label, a bad slug,
 * no segment after the prefix).
 */
export function tenantSlugFor(route: GatewayRoute, host: string, path: string): string | null | undefined {
  if (route.tenantFrom === undefined) return undefined;
  let candidate: string | undefined;
  if (route.tenantFrom === "subdomain") {
    const suffix = (route.host ?? "").slice(1);
    const hostname = host.toLowerCase();
    candidate = hostname.endsWith(suffix) ? hostname.slice(0, -suffix.length) : undefined;
  } else {
    const prefixSegments = route.pathPrefix === "/" ? 1 : route.pathPrefix.split("/").length;
    // `;` parameters on the segment (pathParameters routes) are not part of the slug.
    candidate = path.split("/")[prefixSegments]?.split(";")[0];
  }
  return candidate !== undefined && TENANT_SLUG.test(candidate) ? candidate : null;
}
