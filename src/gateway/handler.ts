// The gateway: every request no auth route took is matched against the route table (deny by
// default), checked against the route's policy, and forwarded to its origin.
import type { Context } from "hono";
import { STEP_UP_ERRORS, type StepUpPolicy, stepUpChallenge, stepUpShortfall } from "../features/session/step-up.ts";
import type { AppEnv } from "../http/app-env.ts";
import { AppError } from "../http/app-error.ts";
import { forwardToOrigin } from "./forward.ts";
import { resolveGatewayIdentity } from "./identity.ts";
import { type GatewayRoute, matchRoute } from "./route-table.ts";

function wantsHtml(c: Context<AppEnv>): boolean {
  return (c.req.method === "GET" || c.req.method === "HEAD") && (c.req.header("accept") ?? "").includes("text/html");
}

/** Browsers navigating go to sign-in (and come back via return_to); API callers get 401. */
function unauthenticated(c: Context<AppEnv>, setCookies: string[]): Response {
  const url = new URL(c.req.url);
  let response: Response;
  if (wantsHtml(c)) {
    const location = `${c.var.config.signInUrl}?return_to=${encodeURIComponent(url.pathname + url.search)}`;
    response = new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });
  } else {
    const error = new AppError("unauthenticated");
    response = Response.json(
      { error: { code: error.code, message: error.message } },
      { status: 401, headers: { "WWW-Authenticate": "Bearer", "Cache-Control": "no-store" } },
    );
  }
  for (const cookie of setCookies) response.headers.append("Set-Cookie", cookie);
  response.headers.set("X-Request-Id", c.var.requestId);
  return response;
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
  const error = new AppError(STEP_UP_ERRORS[shortfall]);
  return Response.json(
    { error: { code: error.code, message: error.message } },
    {
      status: 401,
      headers: {
        "WWW-Authenticate": stepUpChallenge(policy),
        "Cache-Control": "no-store",
        "X-Request-Id": c.var.requestId,
      },
    },
  );
}

export async function handleGatewayRequest(c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  const route = matchRoute(c.var.config.gatewayRoutes, url.host, url.pathname);
  if (!route) throw new AppError("not_found");
  if (route.policy === "public") return forwardToOrigin(c, route, undefined);

  const { session, setCookies } = await resolveGatewayIdentity(c);
  if (!session) return unauthenticated(c, setCookies);
  if (typeof route.policy === "object" && !route.policy.roles.some((role) => session.roles.includes(role))) {
    throw new AppError("forbidden");
  }
  const stepUp = stepUpPolicyOf(route);
  const shortfall = stepUpShortfall(session, stepUp, Math.floor(Date.now() / 1000));
  if (shortfall) return stepUpRequired(c, stepUp, shortfall);
  const upstream = await forwardToOrigin(c, route, session);
  if (setCookies.length === 0 || upstream.status === 101) return upstream;
  const response = new Response(upstream.body, upstream);
  for (const cookie of setCookies) response.headers.append("Set-Cookie", cookie);
  return response;
}
