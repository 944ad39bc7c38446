// Tenant slugs: one lowercase DNS label, reserved names and punycode refused.
import { describe, expect, it } from "vitest";
import { isAllowedTenantSlug, RESERVED_TENANT_SLUGS } from "./slug.ts";

describe("tenant slugs", () => {
  it("accepts lowercase DNS labels from 1 to 63 characters", () => {
    for (const slug of ["a", "7", "acme", "acme-corp", "a1-b2-c3", "x".repeat(63)])
      expect([slug, isAllowedTenantSlug(slug)]).toEqual([slug, true]);
  });

  it("refuses uppercase, hyphens at either end, dots, underscores, spaces, unicode, punycode and 64 characters", () => {
    const refused = [
      "",
      "Acme",
      "-acme",
      "acme-",
      "ac.me",
      "ac_me",
      "ac me",
      "café",
      "xn--caf-dma",
      "x".repeat(64),
      "acme\n",
    ];
    for (const slug of refused) expect([slug, isAllowedTenantSlug(slug)]).toEqual([slug, false]);
  });

  it("refuses every reserved name", () => {
    for (const slug of ["www", "admin", "auth", "api", "app", "mail", "static", "assets"])
      expect(RESERVED_TENANT_SLUGS.has(slug)).toBe(true);
    for (const slug of RESERVED_TENANT_SLUGS) expect([slug, isAllowedTenantSlug(slug)]).toEqual([slug, false]);
  });
});
