// The gateway's route table: parsed and checked once, then matched in order (first match wins).
// Pure code with no Worker APIs, so `npm run routes -- explain` runs exactly this in Node.
import { z } from "zod";
import { withAliases } from "../http/aliases.ts";
import { canonicalHost, canonicalizePath, foldCase } from "./canonical.ts";
import { tenantSlugFor, tenantSourceProblem } from "./tenant-source.ts";

/** Paths the gateway serves itself and never proxies. */
export const RESERVED_PATH_PREFIXES = [
  "/auth",
  "/admin",
  "/.well-known",
  "/healthz",
  "/dev/outbox",
  "/dev/mail",
  "/dev/ping",
  // issue 15: the hosted onboarding page (ui/onboarding).
  "/onboarding",
] as const;

export const DEFAULT_ORIGIN_TIMEOUT_MS = 30_000;

// A prefix is written in the canonical form requests are matched in (H2), so it can always match.
const pathPrefix = z
  .string()
  .regex(/^\/[^?#\s;]*$/, "must start with / and contain no query, fragment, spaces or ;")
  .transform((prefix) => (prefix.length > 1 ? prefix.replace(/\/+$/, "") : prefix))
  .refine((prefix) => {
    const canonical = canonicalizePath(prefix);
    return canonical.ok && canonical.path === prefix;
  }, "must be a canonical path: no //, dot segments, encoded / \\ . or controls, unreserved characters unescaped, other escapes in upper case");

// Matched without a port (the client chooses it: `app.example.com:443` is `app.example.com`).
const hostPattern = z
  .string()
  .toLowerCase()
  .regex(
    /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/,
    "must be a host name without a port, optionally starting with *. (e.g. *.example.com)",
  );

const policy = z.union([
  z.literal("public"),
  z.literal("authenticated"),
  z.strictObject({ roles: z.array(z.string().min(1, "must not be empty")).min(1, "must list at least one role") }),
]);

const TIMEOUT_MS_LIMITS = "must be a whole number of milliseconds from 100 to 300000";
const MAX_AGE_LIMITS = "must be a whole number of seconds from 60 to 2592000 (30 days)";

// `max_age` and `require_mfa` (the OIDC-style names) are accepted for the step-up fields.
const routeSchema = withAliases(
  { max_age: "maxAgeSeconds", require_mfa: "requireMfa" },
  z.strictObject({
    /** Names the route in errors, logs and `routes explain`. */
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,62}$/,
        "must be 1 to 63 lowercase letters, digits, - or _, starting with a letter or digit",
      ),
    host: hostPattern.optional(),
    pathPrefix: pathPrefix.default("/"),
    origin: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, "")),
    /** The assertion's `aud`; defaults to the route's name. */
    originId: z.string().min(1, "must not be empty").max(128, "must be at most 128 characters").optional(),
    policy,
    /** Remove `pathPrefix` from the path before forwarding. @default false */
    stripPrefix: z.boolean().default(false),
    /** Send the client's Host header to the origin instead of the origin's own. @default false */
    preserveHost: z.boolean().default(false),
    /** @default 30000 */
    timeoutMs: z
      .number()
      .int(TIMEOUT_MS_LIMITS)
      .min(100, TIMEOUT_MS_LIMITS)
      .max(300_000, TIMEOUT_MS_LIMITS)
      .default(DEFAULT_ORIGIN_TIMEOUT_MS),
    /** Step-up: the last full sign-in must be at most this old (seconds). */
    maxAgeSeconds: z
      .number()
      .int(MAX_AGE_LIMITS)
      .min(60, MAX_AGE_LIMITS)
      .max(30 * 86_400, MAX_AGE_LIMITS)
      .optional(),
    /** Step-up: the session must have proven a second factor (`amr` contains "mfa"). @default false */
    requireMfa: z.boolean().default(false),
    /** Match `pathPrefix` exactly as written; otherwise case-insensitively. @default false */
    caseSensitive: z.boolean().default(false),
    /** Allow `;` path parameters (ignored when matching, forwarded as sent). @default false */
    pathParameters: z.boolean().default(false),
    /** Origin-check cookie-authenticated unsafe requests and upgrades (M4). @default true */
    csrf: z.boolean().default(true),
    /**
     * Where the tenant slug is read: the one label `*` matches in `host: "*.<domain>"`, or the first
     * path segment after `pathPrefix`. Signed-in policies only.
     */
    tenantFrom: z.enum(["subdomain", "path"]).optional(),
    /**
     * Issue 15: the caller must have completed onboarding (ONBOARDING_STEPS); browsers are sent to
     * ONBOARDING_URL, API callers get 403 onboarding_required. Signed-in policies only. @default false
     */
    requireOnboarding: z.boolean().default(false),
    /**
     * Forward the profile claims: `X-Auth-Name` (percent-encoded UTF-8), `X-Auth-Username`, and `name` /
     * `preferred_username` in the assertion, from the access token (a user's own change reissues it). @default false
     */
    profile: z.boolean().default(false),
  }),
);

export type GatewayRoute = z.output<typeof routeSchema> & { originId: string };
export type RoutePolicy = z.output<typeof policy>;

/** A route table that cannot be used; the message names the bad entry. */
export class RouteTableError extends Error {
  override name = "RouteTableError";
}

/**
 * True when `prefix` covers `path` on segment boundaries ("/api" covers "/api" and "/api/x", not
 * "/apix"); case-insensitively unless `caseSensitive`.
 */
export function prefixCovers(prefix: string, path: string, options: { caseSensitive?: boolean } = {}): boolean {
  if (prefix === "/") return true;
  const [p, q] = options.caseSensitive ? [prefix, path] : [foldCase(prefix), foldCase(path)];
  return q === p || q.startsWith(`${p}/`);
}

// Does `earlier` match every path `later` can match? A case-sensitive route covers a case-insensitive
// one only when case cannot matter (its prefix has no letters).
function routePrefixCovers(earlier: GatewayRoute, later: GatewayRoute): boolean {
  if (!earlier.caseSensitive) return prefixCovers(earlier.pathPrefix, later.pathPrefix);
  if (!prefixCovers(earlier.pathPrefix, later.pathPrefix, { caseSensitive: true })) return false;
  return later.caseSensitive || !/[A-Za-z]/.test(earlier.pathPrefix);
}

function hostMatches(pattern: string | undefined, host: string): boolean {
  if (pattern === undefined) return true;
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

// Does `earlier`'s host pattern match every host `later`'s pattern can match?
function hostCovers(earlier: string | undefined, later: string | undefined): boolean {
  if (earlier === undefined) return true;
  if (later === undefined) return false;
  if (earlier === later) return true;
  return earlier.startsWith("*.") && !later.startsWith("*.") && hostMatches(earlier, later);
}

function describe(route: { name: string }, index: number): string {
  return `route #${index + 1} "${route.name}"`;
}

/** True for the paths the gateway serves itself (canonical `path`, any case); they are never proxied. */
export function isGatewayOwnPath(path: string): boolean {
  return RESERVED_PATH_PREFIXES.some((reserved) => prefixCovers(reserved, path));
}

// The entry's name as given, shortened, so even an invalid one can label its error.
function labelOf(entry: unknown, index: number): string {
  const name = typeof entry === "object" && entry !== null ? (entry as { name?: unknown }).name : undefined;
  if (typeof name !== "string") return `route #${index + 1}`;
  return `route #${index + 1} "${name.length > 64 ? `${name.slice(0, 64)}…` : name}"`;
}

/**
 * Parses the table: JSON text (an env var or secret), or the array of tables wrangler hands over when
 * the table is written as TOML under `[vars]`. Refuses reserved paths, duplicate names and shadowed routes.
 */
export function parseRouteTable(input: unknown): GatewayRoute[] {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      throw new RouteTableError("is not valid JSON");
    }
  }
  if (!Array.isArray(value)) {
    throw new RouteTableError("must be an array of routes (JSON, or a TOML array of tables in wrangler.toml's [vars])");
  }
  const routes: GatewayRoute[] = value.map((entry: unknown, index) => {
    const parsed = routeSchema.safeParse(entry);
    const label = labelOf(entry, index);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(route)"} ${issue.message}`);
      throw new RouteTableError(`${label}: ${problems.join("; ")}`);
    }
    return { ...parsed.data, originId: parsed.data.originId ?? parsed.data.name };
  });
  const names = new Set<string>();
  routes.forEach((route, index) => {
    if (names.has(route.name)) throw new RouteTableError(`${describe(route, index)}: the name is used twice`);
    names.add(route.name);
    // A public route is forwarded without a session, so a step-up there would protect nothing.
    if (route.policy === "public" && (route.requireMfa || route.maxAgeSeconds !== undefined)) {
      throw new RouteTableError(
        `${describe(route, index)}: requireMfa and maxAgeSeconds need a signed-in policy, not "public"`,
      );
    }
    if (route.policy === "public" && route.requireOnboarding) {
      throw new RouteTableError(`${describe(route, index)}: requireOnboarding needs a signed-in policy, not "public"`);
    }
    const tenantProblem = tenantSourceProblem(route);
    if (tenantProblem) throw new RouteTableError(`${describe(route, index)}: ${tenantProblem}`);
    for (const reserved of RESERVED_PATH_PREFIXES) {
      // A catch-all "/" is fine (reserved paths are excluded when matching); a route inside one is not.
      if (prefixCovers(reserved, route.pathPrefix)) {
        throw new RouteTableError(
          `${describe(route, index)}: ${reserved} is served by the gateway itself and is never proxied`,
        );
      }
    }
    for (let earlier = 0; earlier < index; earlier++) {
      const other = routes[earlier] as GatewayRoute;
      if (hostCovers(other.host, route.host) && routePrefixCovers(other, route)) {
        throw new RouteTableError(
          `${describe(route, index)} can never match: ${describe(other, earlier)} comes first and covers it`,
        );
      }
    }
  });
  return routes;
}

/**
 * The first route matching `host` and `path`, both canonical (see canonical.ts); undefined when none
 * does. The gateway's own paths never match, in any case.
 */
export function matchRoute(routes: readonly GatewayRoute[], host: string, path: string): GatewayRoute | undefined {
  if (isGatewayOwnPath(path)) return undefined;
  const hostname = host.toLowerCase();
  return routes.find(
    (route) =>
      hostMatches(route.host, hostname) && prefixCovers(route.pathPrefix, path, { caseSensitive: route.caseSensitive }),
  );
}

/** Where a request goes: a route and the canonical path to forward, an unusable path, or nowhere. */
export type RouteResolution =
  | { kind: "route"; route: GatewayRoute; path: string; tenantSlug?: string }
  | { kind: "invalid_path"; reason: string }
  /** A tenant route matched, but the request names no valid tenant slug (answered like no route). */
  | { kind: "no_tenant"; route: GatewayRoute }
  | { kind: "no_route" };

/** Canonicalizes `url` once and matches it (H2); what cannot be made unambiguous is `invalid_path`. */
export function resolveRoute(routes: readonly GatewayRoute[], url: URL): RouteResolution {
  const canonical = canonicalizePath(url.pathname);
  if (!canonical.ok) return { kind: "invalid_path", reason: canonical.reason };
  const route = matchRoute(routes, canonicalHost(url), canonical.matchPath);
  if (!route) return { kind: "no_route" };
  if (canonical.hasParameters && !route.pathParameters) return { kind: "invalid_path", reason: "; path parameters" };
  const tenantSlug = tenantSlugFor(route, canonicalHost(url), canonical.matchPath);
  if (tenantSlug === null) return { kind: "no_tenant", route };
  return { kind: "route", route, path: canonical.path, ...(tenantSlug === undefined ? {} : { tenantSlug }) };
}

/** The URL the origin receives for the canonical `path` under `route` (prefix stripped when asked). */
export function originUrlFor(route: GatewayRoute, target: { path: string; search: string }): URL {
  let path = target.path;
  if (route.stripPrefix && route.pathPrefix !== "/") {
    // By segments, so `;` parameters on a prefix segment go with it.
    const prefixSegments = route.pathPrefix.split("/").length;
    path = `/${path.split("/").slice(prefixSegments).join("/")}`;
  }
  const url = new URL(route.origin);
  url.pathname = `${url.pathname.replace(/\/$/, "")}${path}`;
  url.search = target.search;
  return url;
}
