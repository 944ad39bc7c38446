import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { matchRoute, originUrlFor, parseRouteTable, RouteTableError, resolveRoute } from "./route-table.ts";

const origin = "http://127.0.0.1:3000";

describe("route table", () => {
  it("matches in order, by host and by path prefix on segment boundaries", () => {
    const routes = parseRouteTable([
      { name: "api", host: "app.example.com", pathPrefix: "/api", origin, policy: "authenticated" },
      { name: "tenant", host: "*.example.com", origin, policy: "public" },
      { name: "rest", origin, policy: "authenticated" },
    ]);
    expect(matchRoute(routes, "app.example.com", "/api/items")?.name).toBe("api");
    expect(matchRoute(routes, "APP.example.com", "/api")?.name).toBe("api");
    expect(matchRoute(routes, "app.example.com", "/apiary")?.name).toBe("tenant");
    expect(matchRoute(routes, "acme.example.com", "/x")?.name).toBe("tenant");
    expect(matchRoute(routes, "example.com", "/x")?.name).toBe("rest");
  });

  it("denies by default and never matches the gateway's own paths", () => {
    const routes = parseRouteTable([{ name: "app", host: "app.example.com", origin, policy: "public" }]);
    expect(matchRoute(routes, "other.example.com", "/")).toBeUndefined();
    const catchAll = parseRouteTable([{ name: "all", origin, policy: "public" }]);
    for (const path of ["/auth/login", "/auth", "/.well-known/jwks.json", "/healthz"])
      expect(matchRoute(catchAll, "x", path)).toBeUndefined();
  });

  it("builds the origin URL, stripping the prefix when asked and keeping the query", () => {
    const [route] = parseRouteTable([
      { name: "svc", pathPrefix: "/svc/", origin: `${origin}/base/`, policy: "public", stripPrefix: true },
    ]);
    if (!route) throw new Error("no route");
    expect(originUrlFor(route, { path: "/svc/a/b", search: "?x=1" }).toString()).toBe(`${origin}/base/a/b?x=1`);
    expect(originUrlFor(route, { path: "/svc", search: "" }).toString()).toBe(`${origin}/base/`);
  });

  it("applies the documented defaults", () => {
    const [route] = parseRouteTable([{ name: "app", origin, policy: "public" }]);
    expect(route).toMatchObject({
      pathPrefix: "/",
      originId: "app",
      stripPrefix: false,
      preserveHost: false,
      timeoutMs: 30_000,
    });
  });

  it("reads the step-up fields under their OIDC-style names too, but not both spellings at once", () => {
    const [route] = parseRouteTable([
      { name: "admin", origin, policy: "authenticated", max_age: 300, require_mfa: true },
    ]);
    expect(route).toMatchObject({ maxAgeSeconds: 300, requireMfa: true });
    expect(() =>
      parseRouteTable([{ name: "admin", origin, policy: "authenticated", max_age: 300, maxAgeSeconds: 600 }]),
    ).toThrow(RouteTableError);
    expect(() => parseRouteTable([{ name: "admin", origin, policy: "authenticated", max_age: 5 }])).toThrow(
      RouteTableError,
    );
  });

  it("refuses a route that an earlier one shadows entirely, naming both", () => {
    expect(() =>
      parseRouteTable([
        { name: "everything", origin, policy: "public" },
        { name: "api", pathPrefix: "/api", origin, policy: "authenticated" },
      ]),
    ).toThrow('route #2 "api" can never match: route #1 "everything" comes first and covers it');
    expect(() =>
      parseRouteTable([
        { name: "wild", host: "*.example.com", pathPrefix: "/a", origin, policy: "public" },
        { name: "exact", host: "app.example.com", pathPrefix: "/a/b", origin, policy: "public" },
      ]),
    ).toThrow(RouteTableError);
    // A narrower route first and a broader one after is the intended order, not shadowing.
    expect(() =>
      parseRouteTable([
        { name: "api", pathPrefix: "/api", origin, policy: "authenticated" },
        { name: "everything", origin, policy: "public" },
      ]),
    ).not.toThrow();
  });

  it("names the bad entry and field for invalid routes", () => {
    const cases: Array<[unknown, string]> = [
      ["not json", "is not valid JSON"],
      [{}, "must be an array of routes"],
      [[{ name: "a", origin: "ftp://x", policy: "public" }], 'route #1 "a": origin'],
      [
        [
          { name: "ok", origin, policy: "public" },
          { name: "b", origin, policy: "sometimes" },
        ],
        'route #2 "b": policy',
      ],
      [[{ name: "c", pathPrefix: "no-slash", origin, policy: "public" }], 'route #1 "c": pathPrefix'],
      [[{ name: "d", origin, policy: { roles: [] } }], 'route #1 "d": policy'],
      [[{ name: "e", origin, policy: "public", extra: true }], 'route #1 "e"'],
      [[{ name: "auth", pathPrefix: "/auth/x", origin, policy: "public" }], "/auth is served by the gateway itself"],
      [[{ name: "mail", pathPrefix: "/dev/mail", origin, policy: "public" }], "/dev/mail is served by the gateway"],
      [
        [
          { name: "f", host: "a.example.com", origin, policy: "public" },
          { name: "f", host: "b.example.com", origin, policy: "public" },
        ],
        "the name is used twice",
      ],
    ];
    for (const [input, message] of cases) {
      expect(() => parseRouteTable(typeof input === "string" ? input : JSON.stringify(input))).toThrow(message);
    }
  });

  it("H2: matches prefixes case-insensitively unless a route opts into case-sensitive matching", () => {
    const routes = parseRouteTable([
      { name: "exact", pathPrefix: "/Docs", origin, policy: "public", caseSensitive: true },
      { name: "admin", pathPrefix: "/backoffice", origin, policy: { roles: ["admin"] } },
      { name: "rest", origin, policy: "authenticated" },
    ]);
    expect(matchRoute(routes, "x", "/BACKOFFICE/users")?.name).toBe("admin");
    expect(matchRoute(routes, "x", "/Docs/a")?.name).toBe("exact");
    expect(matchRoute(routes, "x", "/docs/a")?.name).toBe("rest");
    for (const path of ["/AUTH/login", "/Auth", "/.Well-Known/jwks.json", "/HEALTHZ"])
      expect(matchRoute(routes, "x", path), path).toBeUndefined();
  });

  it("H2: resolves the canonical path once: parameters only where a route allows them", () => {
    const routes = parseRouteTable([
      { name: "admin", pathPrefix: "/backoffice", origin, policy: { roles: ["admin"] } },
      { name: "matrix", pathPrefix: "/m", origin, policy: "public", pathParameters: true },
      { name: "rest", origin, policy: "authenticated" },
    ]);
    const resolve = (url: string) => resolveRoute(routes, new URL(url));
    expect(resolve("https://a.example.com/%42ackoffice/x")).toMatchObject({ kind: "route", path: "/Backoffice/x" });
    expect(resolve("https://a.example.com/backoffice;x/users")).toMatchObject({ kind: "invalid_path" });
    expect(resolve("https://a.example.com/m;v=1/a")).toMatchObject({ kind: "route", path: "/m;v=1/a" });
    expect(resolve("https://a.example.com/rest;x")).toMatchObject({ kind: "invalid_path" });
    expect(resolve("https://a.example.com/AUTH/x")).toEqual({ kind: "no_route" });
  });

  it("H2: keeps shadowing and reserved paths consistent with case-insensitive matching", () => {
    expect(() =>
      parseRouteTable([
        { name: "lower", pathPrefix: "/backoffice", origin, policy: "public" },
        { name: "upper", pathPrefix: "/Backoffice", origin, policy: "authenticated" },
      ]),
    ).toThrow('route #2 "upper" can never match');
    // A case-sensitive route does not cover a case-insensitive one: /BACKOFFICE still reaches the second.
    expect(() =>
      parseRouteTable([
        { name: "lower", pathPrefix: "/backoffice", origin, policy: "public", caseSensitive: true },
        { name: "any", pathPrefix: "/backoffice", origin, policy: "authenticated" },
      ]),
    ).not.toThrow();
    expect(() => parseRouteTable([{ name: "a", pathPrefix: "/AUTH/x", origin, policy: "public" }])).toThrow(
      "/auth is served by the gateway itself",
    );
  });

  it("H2: refuses a host with a port and a prefix that is not canonical", () => {
    const bad: Array<Record<string, unknown>> = [
      { host: "app.example.com:8443" },
      { pathPrefix: "/a//b" },
      { pathPrefix: "/%61pi" },
      { pathPrefix: "/a%2Fb" },
      { pathPrefix: "/a;b" },
      { pathPrefix: "/a/../b" },
    ];
    for (const fields of bad)
      expect(
        () => parseRouteTable([{ name: "r", origin, policy: "public", ...fields }]),
        JSON.stringify(fields),
      ).toThrow(RouteTableError);
  });

  it("reads the table as TOML hands it over: an inline array or an array of tables under [vars]", () => {
    // The same parser wrangler 4.86 bundles; wrangler passes the parsed array to the Worker as is.
    const inline = parseToml(`[vars]
GATEWAY_ROUTES = [
  { name = "api", pathPrefix = "/api", origin = "${origin}", policy = { roles = ["admin"] }, timeoutMs = 500 },
  { name = "site", origin = "${origin}", policy = "public" },
]`) as { vars: { GATEWAY_ROUTES: unknown } };
    const tables = parseToml(`[[vars.GATEWAY_ROUTES]]
name = "api"
pathPrefix = "/api"
origin = "${origin}"
policy = { roles = ["admin"] }
timeoutMs = 500

[[vars.GATEWAY_ROUTES]]
name = "site"
origin = "${origin}"
policy = "public"`) as { vars: { GATEWAY_ROUTES: unknown } };
    for (const value of [inline.vars.GATEWAY_ROUTES, tables.vars.GATEWAY_ROUTES]) {
      const routes = parseRouteTable(value);
      expect(routes.map((route) => route.name)).toEqual(["api", "site"]);
      expect(routes[0]).toMatchObject({ policy: { roles: ["admin"] }, timeoutMs: 500, originId: "api" });
    }
  });

  it("names the entry and states the limit a structured entry breaks", () => {
    const cases: Array<[unknown, string]> = [
      [{ name: "one", origin, policy: "public" }, "must be an array of routes"],
      [
        [
          { name: "ok", origin, policy: "public", pathPrefix: "/ok" },
          { name: "api", origin, policy: "public", timeoutMs: 50 },
        ],
        'route #2 "api": timeoutMs must be a whole number of milliseconds from 100 to 300000',
      ],
      [
        [{ name: "api", origin, policy: "public", timeoutMs: 1.5 }],
        'route #1 "api": timeoutMs must be a whole number of milliseconds from 100 to 300000',
      ],
      [
        [{ name: "step", origin, policy: "authenticated", maxAgeSeconds: 30 }],
        'route #1 "step": maxAgeSeconds must be a whole number of seconds from 60 to 2592000',
      ],
      [
        [{ name: "App", origin, policy: "public" }],
        'route #1 "App": name must be 1 to 63 lowercase letters, digits, - or _, starting with a letter or digit',
      ],
      [[{ name: "x", origin, policy: "public", originId: "" }], 'route #1 "x": originId must not be empty'],
      [[{ name: "r", origin, policy: { roles: [] } }], 'route #1 "r": policy'],
      [[{ origin, policy: "public" }], "route #1: name"],
      [["not an object"], "route #1: (route)"],
      [[{ name: "t", origin, policy: "public", timeoutMs: "500" }], 'route #1 "t": timeoutMs'],
    ];
    for (const [input, message] of cases) {
      expect(() => parseRouteTable(input)).toThrow(message);
    }
  });

  it("never repeats a value from the table in its message, only the entry's name", () => {
    const secretOrigin = "https://svc:s3cret@api.internal";
    const message = (() => {
      try {
        parseRouteTable([{ name: "api", origin: secretOrigin, policy: "sometimes", timeoutMs: 5 }]);
        return "accepted";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/^route #1 "api": /);
    expect(message).not.toContain("s3cret");
    expect(message).not.toContain("sometimes");
  });
});
