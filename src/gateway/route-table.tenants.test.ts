// Issue 14: tenantFrom in the route table — which routes may use it, and which slug a request names.
import { describe, expect, it } from "vitest";
import { parseRouteTable, RouteTableError, resolveRoute } from "./route-table.ts";

const origin = "http://127.0.0.1:3000";

describe("route table: tenantFrom", () => {
  it("refuses subdomain without a *.<domain> host, naming the route", () => {
    for (const host of [undefined, "app.example.com"]) {
      const table = [{ name: "tenants", host, origin, policy: "authenticated", tenantFrom: "subdomain" }];
      expect(() => parseRouteTable(table), String(host)).toThrow(RouteTableError);
      expect(() => parseRouteTable(table), String(host)).toThrow(
        'route #1 "tenants": tenantFrom "subdomain" needs a host of the form *.<domain>',
      );
    }
  });

  it("refuses tenantFrom on a public route and an unknown source, naming the route", () => {
    const onPublic = [{ name: "open", pathPrefix: "/t", origin, policy: "public", tenantFrom: "path" }];
    expect(() => parseRouteTable(onPublic)).toThrow('route #1 "open": tenantFrom needs a signed-in policy');
    const unknown = [{ name: "odd", origin, policy: "authenticated", tenantFrom: "header" }];
    expect(() => parseRouteTable(unknown)).toThrow(/route #1 "odd": tenantFrom/);
  });

  it("subdomain: takes the one label * matched; several labels or a bad label name no tenant", () => {
    const routes = parseRouteTable([
      { name: "sub", host: "*.example.com", origin, policy: { roles: ["STAFF"] }, tenantFrom: "subdomain" },
    ]);
    const resolve = (url: string) => resolveRoute(routes, new URL(url));
    expect(resolve("https://acme.example.com/x")).toMatchObject({ kind: "route", tenantSlug: "acme" });
    expect(resolve("https://ACME.Example.com:8443/x")).toMatchObject({ kind: "route", tenantSlug: "acme" });
    expect(resolve("https://acme-2.example.com/")).toMatchObject({ kind: "route", tenantSlug: "acme-2" });
    for (const url of ["https://a.b.example.com/x", "https://-acme.example.com/x", "https://acme-.example.com/x"])
      expect(resolve(url).kind, url).toBe("no_tenant");
  });

  it("path: takes the first segment after pathPrefix; a missing or bad one names no tenant", () => {
    const routes = parseRouteTable([
      { name: "path", pathPrefix: "/t", origin, policy: "authenticated", tenantFrom: "path", pathParameters: true },
      { name: "root", pathPrefix: "/", origin, policy: "authenticated", tenantFrom: "path", host: "r.example.com" },
    ]);
    const resolve = (url: string) => resolveRoute(routes, new URL(url));
    expect(resolve("https://x.example/t/acme/orders")).toMatchObject({ kind: "route", tenantSlug: "acme" });
    expect(resolve("https://x.example/T/acme")).toMatchObject({ kind: "route", tenantSlug: "acme" });
    expect(resolve("https://x.example/t/acme;v=1/x")).toMatchObject({ kind: "route", tenantSlug: "acme" });
    expect(resolve("https://r.example.com/beta/x")).toMatchObject({ kind: "route", tenantSlug: "beta" });
    for (const url of [
      "https://x.example/t",
      "https://x.example/t/",
      "https://x.example/t/ACME/x",
      "https://x.example/t/a_b",
    ])
      expect(resolve(url).kind, url).toBe("no_tenant");
  });

  it("a route without tenantFrom resolves no tenant", () => {
    const routes = parseRouteTable([{ name: "app", origin, policy: "authenticated" }]);
    const resolution = resolveRoute(routes, new URL("https://acme.example.com/t/acme"));
    expect(resolution.kind).toBe("route");
    expect(resolution).not.toHaveProperty("tenantSlug");
  });
});
