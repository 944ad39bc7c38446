// The gateway: every request no auth route took is canonicalized and matched against the route table
// (deny by default), checked against the route's policy, and forwarded to its origin.
import type { Context } from "hono";
import { presentedAuthSource, resolveGatewayCaller } from "../features/session/caller.ts";
import { mfaEnrollmentLocation } from "../features/session/enrollment.ts";
import { STEP_UP_ERRORS, type StepUpPolicy, stepUpChallenge, stepUpShortfall } from "../features/session/step-up.ts";
import type { AppEnv } from "../http/app-env.ts";
import { AppError } from "../http/app-error.ts";
import { assertSameOrigin, isUnsafeMethod } from "../http/csrf.ts";
import { finishResponse } from "../http/response-headers.ts";
import { canonicalizePath } from "./canonical.ts";
import { forwardToOrigin } from "./forward.ts";
import { onboardingLocation } from "./onboarding.ts";
import { type GatewayRoute, isGatewayOwnPath, resolveRoute } from "./route-table.ts";
import { enterTenant } from "./tenant-access.ts";

function wantsHtml(c: Context<AppEnv>): boolean {
  return (c.req.method === "GET" || c.req.method === "HEAD") && (c.req.header("accept") ?? "").includes("text/html");
}

const isWebSocketUpgrade = (c: Context<AppEnv>) => c.req.header("upgrade")?.toLowerCase() === "websocket";

function errorResponse(error: AppError, headers: Record<string, string>, extra: { tenant?: string } = {}): Response {
  return Response.json(
    { error: { code: error.code, message: error.message, ...extra } },
    { status: error.status, headers: { "Cache-Control": "no-store", ...headers } },
  );
}

/** Browsers navigating go to sign-in (and come back via return_to); API callers get 401. */
function unauthenticated(c: Context<AppEnv>): Response {
  const url = new URL(c.req.url);
  if (wantsHtml(c)) {
    const location = `${c.var.config.signInUrl}?return_to=${encodeURIComponent(url.pathname + url.search)}`;
    return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });
  }
  return errorResponse(new AppError("unauthenticated"), { "WWW-Authenticate": "Bearer" });
}

/**
 * A session that must first enroll a second factor (REQUIRE_MFA_ROLES) reaches no origin: browsers go
 * to the security page's authenticator setup and come back via return_to; API callers get 403.
 */
function mfaEnrollmentRequired(c: Context<AppEnv>): Response {
  const url = new URL(c.req.url);
  if (wantsHtml(c)) {
    const location = mfaEnrollmentLocation(url.pathname + url.search);
    return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });
  }
  return errorResponse(new AppError("mfa_enrollment_required"), {});
}

/**
 * Issue 15: a route with requireOnboarding reaches its origin only once the caller has completed
 * onboarding (the token's `onb` claim): browsers go to ONBOARDING_URL and come back via return_to,
 * API callers get 403.
 */
function onboardingRequired(c: Context<AppEnv>, onboardingUrl: string): Response {
  const url = new URL(c.req.url);
  if (wantsHtml(c)) {
    const location = onboardingLocation(onboardingUrl, url.pathname + url.search);
    return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });
  }
  return errorResponse(new AppError("onboarding_required"), {});
}

/** The route's step-up policy: a recent enough sign-in, and a second factor when required. */
const stepUpPolicyOf = (route: GatewayRoute): StepUpPolicy => ({
  maxAgeSeconds: route.maxAgeSeconds,
  amr: route.requireMfa ? ["mfa"] : [],
});

/** RFC 9470: API callers learn what to prove; browsers go to sign-in to prove it. */
function stepUpRequired(c: Context<AppEnv>, policy: StepUpPolicy, shortfall: keyof typeof STEP_UP_ERRORS): Response {
  const url = new URL(c.req.url);
  if (wantsHtml(c)) {
    const location = `${c.var.config.signInUrl}?return_to=${encodeURIComponent(url.pathname + url.search)}&step_up=1`;
    return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });
  }
  return errorResponse(new AppError(STEP_UP_ERRORS[shortfall]), { "WWW-Authenticate": stepUpChallenge(policy) });
}

/**
 * An unusable route table fails every request the gateway would proxy, naming the bad entry; the
 * gateway's own paths still answer as usual (404 for unknown ones).
 */
function assertRouteTableUsable(c: Context<AppEnv>, url: URL): void {
  const problem = c.var.config.routeTableProblem;
  if (problem === undefined) return;
  const canonical = canonicalizePath(url.pathname);
  if (canonical.ok && isGatewayOwnPath(canonical.matchPath)) return;
  throw new AppError("configuration_error", { message: problem });
}

async function routeRequest(c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  assertRouteTableUsable(c, url);
  const resolution = resolveRoute(c.var.config.gatewayRoutes, url);
  if (resolution.kind === "invalid_path") throw new AppError("invalid_path");
  if (resolution.kind === "no_route" || resolution.kind === "no_tenant") throw new AppError("not_found");
  const { route } = resolution;
  const target = { path: resolution.path, search: url.search };
  // A public route forwards no identity, so a cross-site request gains nothing there: no CSRF check.
  if (route.policy === "public") return forwardToOrigin(c, route, target, undefined);

  // M4: a cookie-authenticated unsafe request or upgrade must come from an allowed origin. Checked
  // before any refresh, so a cross-site request never rotates the browser's tokens.
  const source = presentedAuthSource(c);
  if (source === "cookie" && route.csrf && (isUnsafeMethod(c.req.method) || isWebSocketUpgrade(c))) {
    assertSameOrigin(c);
  }
  const resolved = await resolveGatewayCaller(c);
  if (!resolved) return unauthenticated(c);
  if (resolved.session.mfaEnrollmentRequired) return mfaEnrollmentRequired(c);
  let caller = resolved;
  if (resolution.tenantSlug !== undefined) {
    const access = await enterTenant(c, resolved, resolution.tenantSlug);
    if (access.kind === "forbidden") throw new AppError("forbidden");
    // Named, so an API client can switch its active tenant and retry; only members learn the slug.
    if (access.kind === "tenant_mismatch") return errorResponse(new AppError("tenant_mismatch"), {}, access);
    caller = access.caller;
  }
  const { session } = caller;
  if (typeof route.policy === "object" && !route.policy.roles.some((role) => session.roles.includes(role))) {
    throw new AppError("forbidden");
  }
  // A requireOnboarding route is refused at config load while onboarding is off (config/index.ts).
  const onboarding = c.var.config.onboarding;
  if (route.requireOnboarding && onboarding && !session.onboardingComplete)
    return onboardingRequired(c, onboarding.url);
  const stepUp = stepUpPolicyOf(route);
  const shortfall = stepUpShortfall(session, stepUp, Math.floor(Date.now() / 1000));
  if (shortfall) return stepUpRequired(c, stepUp, shortfall);
  return forwardToOrigin(c, route, target, caller);
}

/**
 * Every answer the gateway builds itself or receives from an origin leaves with the request id and any
 * cookies rotated at the edge; errors thrown here get both from the error handler.
 */
export async function handleGatewayRequest(c: Context<AppEnv>): Promise<Response> {
  return finishResponse(c, await routeRequest(c));
}
