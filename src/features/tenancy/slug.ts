// Tenant slugs: a lowercase DNS label (a route may read the tenant from a subdomain), minus the names
// the service or a deployment uses itself.
import { z } from "zod";

/**
 * Labels no tenant may take: hosts and paths the gateway, its pages or a typical deployment use, and
 * names that would pass for the operator's own.
 */
export const RESERVED_TENANT_SLUGS: ReadonlySet<string> = new Set([
  "admin",
  "administrator",
  "api",
  "app",
  "apps",
  "assets",
  "auth",
  "billing",
  "blog",
  "cdn",
  "dashboard",
  "dev",
  "docs",
  "ftp",
  "help",
  "imap",
  "localhost",
  "login",
  "mail",
  "media",
  "mx",
  "ns",
  "ns1",
  "ns2",
  "pop",
  "portal",
  "portcullis",
  "root",
  "security",
  "smtp",
  "sso",
  "staging",
  "static",
  "status",
  "support",
  "system",
  "test",
  "webmail",
  "well-known",
  "www",
]);

/** One DNS label, RFC 1035 letters-digits-hyphen, lowercase: 1 to 63 characters, no hyphen at either end. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** True when `slug` is a DNS label a tenant may take. */
export function isAllowedTenantSlug(slug: string): boolean {
  // "xn--" labels are punycode: they would display as another name in a browser's address bar.
  return DNS_LABEL.test(slug) && !slug.startsWith("xn--") && !RESERVED_TENANT_SLUGS.has(slug);
}

/** The request schema of a slug: exactly as stored, nothing normalized (an uppercase slug is refused). */
export const TenantSlug = z
  .string()
  .max(63)
  .refine(
    isAllowedTenantSlug,
    "must be a lowercase DNS label (a-z, 0-9, hyphens inside; 1 to 63 characters) that is not reserved",
  );
