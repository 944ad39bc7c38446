// Social sign-in: GET /auth/oauth/:provider/start sends the browser to the provider with a stored,
// browser-bound state; GET|POST /auth/oauth/:provider/callback (POST: Apple's form_post, cross-site,
// where the state is the CSRF defence) validates everything and signs in, signs up, links or refuses.
import type { Context } from "hono";
import { Hono } from "hono";
import type { Config } from "../../config/index.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { accountDependencies, authDependencies, clientInfo } from "../../http/auth-context.ts";
import { hasFormBody } from "../../http/body.ts";
import { FLOW_COOKIES, readFlowCookie, setCrossSiteFlowCookie } from "../../http/cookies.ts";
import { logger } from "../../http/logger.ts";
import { describe } from "../../http/openapi/describe.ts";
import { safeReturnTo } from "../../http/return-to.ts";
import { reserve, takeBackAttempt } from "../account/counters.ts";
import { lacksSecondFactorProof } from "../mfa/factors.ts";
import { resolveGatewayCaller } from "../session/caller.ts";
import { deliverAccessToken } from "../session/respond.ts";
import { browserOutcome, oauthErrorLocation, redirectAfterCallback } from "./browser-outcome.ts";
import {
  consumeOAuthFlow,
  type FlowPurpose,
  generateBrowserBinding,
  OAUTH_FLOW_TTL_SECONDS,
  startOAuthFlow,
} from "./flows.ts";
import { deferIdentityNotice, linkIdentityToUser } from "./linking.ts";
import { OAuthCallbackQuery, OAuthFormPostBody, OAuthStartQuery, ProviderParams } from "./schemas.ts";
import { signInWithExternalIdentity } from "./sign-in.ts";
import {
  buildAuthorizationUrl,
  completeAuthorization,
  findOAuthProvider,
  type OAuthProvider,
  ProviderUnavailableError,
} from "./social/index.ts";
import { stepUpWithIdentity } from "./step-up.ts";

// Browser navigations: every outcome, refusals included, is a redirect (no body) to the next page; only an
// unknown provider (and, for the form_post, a body that is not a form) answers the JSON error shape.
const AFTER_CALLBACK = {
  description:
    "To return_to with the session's cookies, or to /auth/two-factor, /auth/link, /auth/account/security?identity=… or /auth/sign-in?oauth_error=… (a refusal); no body.",
  headers: { Location: "The next page." },
};
const doc = {
  start: describe({
    operationId: "startOAuthSignIn",
    tag: "identities",
    summary: "Send the browser to the provider to sign in, link an identity or step up",
    description:
      "A browser navigation. Sets the flow's browser-binding cookie. `link` and `reauth` use the browser's session (cookie or bearer; none or an invalid one: a redirect to the sign-in page) and need a same-origin navigation.",
    params: ProviderParams,
    query: OAuthStartQuery,
    responses: {
      302: {
        description:
          "To the provider's authorization URL (with the binding cookie), or to a page of ours (sign-in, step-up, account, sign-in?oauth_error=provider_unavailable) when the flow cannot start; no body.",
        headers: { Location: "The provider's authorization URL or our page." },
      },
    },
    errors: ["not_found"],
  }),
  callback: describe({
    operationId: "completeOAuthSignIn",
    tag: "identities",
    summary: "The provider's redirect back: signs in, signs up, links or steps up, then redirects",
    params: ProviderParams,
    query: OAuthCallbackQuery,
    responses: { 302: AFTER_CALLBACK },
    errors: ["not_found"],
  }),
  formPost: describe({
    operationId: "completeOAuthSignInFormPost",
    tag: "identities",
    summary: "The provider's form_post back (Apple): as the GET callback, answered with 303",
    params: ProviderParams,
    body: OAuthFormPostBody,
    bodyMediaTypes: ["application/x-www-form-urlencoded"],
    responses: { 303: AFTER_CALLBACK },
    errors: ["not_found", "unsupported_media_type"],
  }),
};

const BINDING_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const ACCOUNT_SECURITY_PATH = "/auth/account/security";

/** The exact redirect URI registered with the provider: the flow is bound to it. */
export const redirectUriFor = (config: Config, providerId: string) =>
  `${config.issuer}/auth/oauth/${providerId}/callback`;

const providerDeps = (config: Config, now: Date) => ({ kv: config.kv, now, environment: config.environment });

/** Failed callbacks per client (IPv6 by /64) per hour before delays start. */
const callbackRule = (config: Config) => ({ freeAttempts: config.clientFreeFailures, windowSeconds: 3600 });
const callbackCounterKey = (limitHash: string | null) => `oauth-callback:${limitHash ?? "unknown"}`;

/** Fetch Metadata: a navigation from our own pages, or one the user started (address bar, bookmark). */
function isSameOriginNavigation(c: Context<AppEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  return site === "same-origin" || site === "none";
}

function purposeOf(intent: string | undefined): FlowPurpose {
  return intent === "link" || intent === "reauth" ? intent : "sign_in";
}

function providerOf(c: Context<AppEnv>): OAuthProvider {
  const provider = findOAuthProvider(c.var.config.oauthProviders, c.req.param("provider") ?? "");
  if (!provider) throw new AppError("not_found", { message: "No such sign-in provider." });
  return provider;
}

/** The callback's parameters: the query, or Apple's form_post body. */
async function callbackParameters(c: Context<AppEnv>): Promise<URLSearchParams> {
  if (c.req.method !== "POST") return new URL(c.req.url).searchParams;
  if (!hasFormBody(c)) throw new AppError("unsupported_media_type");
  return new URLSearchParams(await c.req.text());
}

async function handleCallback(c: Context<AppEnv>): Promise<Response> {
  const provider = providerOf(c);
  const params = await callbackParameters(c);
  const deps = await accountDependencies(c);
  const client = await clientInfo(c);
  const counterKey = callbackCounterKey(client.limitHash);
  const reservation = await reserve(deps.db, counterKey, callbackRule(c.var.config), deps.now);
  if (reservation.kind !== "open") return redirectAfterCallback(c, oauthErrorLocation("too_many_attempts", "/"));

  const flow = await consumeOAuthFlow(deps, {
    state: params.get("state") ?? "",
    providerId: provider.id,
    redirectUri: redirectUriFor(c.var.config, provider.id),
    browserBinding: readFlowCookie(c, FLOW_COOKIES.oauthBrowser),
  });
  if (!flow) return redirectAfterCallback(c, oauthErrorLocation("expired", "/"));
  const returnTo = flow.returnTo ?? "/";
  const outcome = await completeAuthorization(provider, flow.secrets, params, providerDeps(c.var.config, deps.now));
  if (outcome.kind === "denied") {
    await takeBackAttempt(deps.db, counterKey);
    const location =
      flow.purpose === "link" ? `${ACCOUNT_SECURITY_PATH}?identity=denied` : oauthErrorLocation("denied", returnTo);
    return redirectAfterCallback(c, location);
  }
  if (outcome.kind === "invalid") {
    logger.warn("oauth callback refused", { provider: provider.id, reason: outcome.reason });
    return redirectAfterCallback(c, oauthErrorLocation("failed", returnTo));
  }
  await takeBackAttempt(deps.db, counterKey);
  const tokens = provider.storeTokens ? outcome.tokens : null;

  if (flow.purpose === "reauth" && flow.userId && flow.sessionId) {
    const stepped = await stepUpWithIdentity(deps, {
      userId: flow.userId,
      sessionId: flow.sessionId,
      profile: outcome.profile,
      client,
    });
    if (stepped.kind !== "refreshed")
      return redirectAfterCallback(
        c,
        `/auth/reauthenticate?return_to=${encodeURIComponent(returnTo)}&identity=${stepped.kind}`,
      );
    deliverAccessToken(c, stepped, deps.now);
    return redirectAfterCallback(c, returnTo);
  }
  if (flow.purpose === "link" && flow.userId) {
    const linked = await linkIdentityToUser(deps, {
      userId: flow.userId,
      sessionId: flow.sessionId,
      profile: outcome.profile,
      tokens,
      client,
    });
    if (linked.kind === "linked") {
      const owner = await deps.db.user.findUnique({ where: { id: flow.userId }, select: { email: true } });
      if (owner)
        await deferIdentityNotice(deps, c.var.config.mail, {
          email: owner.email,
          change: "linked",
          provider: provider.displayName,
        });
    }
    const state = linked.kind === "linked" || linked.kind === "already_linked" ? "linked" : linked.kind;
    return redirectAfterCallback(c, `${ACCOUNT_SECURITY_PATH}?identity=${state}`);
  }
  const result = await signInWithExternalIdentity(deps, {
    profile: outcome.profile,
    autoLink: provider.autoLink,
    tokens,
    client,
    via: "oauth",
    returnTo,
  });
  return browserOutcome(c, deps, result, returnTo);
}

export const oauthRoutes = new Hono<AppEnv>()
  .get("/auth/oauth/:provider/start", doc.start, async (c) => {
    const provider = providerOf(c);
    const config = c.var.config;
    const purpose = purposeOf(c.req.query("intent"));
    const returnTo = safeReturnTo(c.req.query("return_to"), purpose === "link" ? ACCOUNT_SECURITY_PATH : "/");
    let signedIn: { userId: string; sessionId: string } | null = null;
    if (purpose !== "sign_in") {
      const session = (await resolveGatewayCaller(c))?.session;
      const here = new URL(c.req.url);
      if (!session) return c.redirect(`/auth/sign-in?return_to=${encodeURIComponent(returnTo)}`, 302);
      // Only from our own pages (or typed in): another site must not start a link with the victim's
      // session while the victim's browser holds the attacker's provider session (link CSRF).
      if (!isSameOriginNavigation(c)) {
        const fallback =
          purpose === "link" ? ACCOUNT_SECURITY_PATH : `/auth/reauthenticate?return_to=${encodeURIComponent(returnTo)}`;
        return c.redirect(fallback, 302);
      }
      // Adding a way in is a sensitive change: only after a recent sign-in (a step-up may be this very flow).
      const stale = Math.floor(Date.now() / 1000) - session.authTime > config.reauthMaxAgeSeconds;
      const reauthenticate =
        purpose === "link" && (stale || (await lacksSecondFactorProof({ db: c.var.db() }, session)));
      if (reauthenticate)
        return c.redirect(`/auth/reauthenticate?return_to=${encodeURIComponent(here.pathname + here.search)}`, 302);
      signedIn = { userId: session.userId, sessionId: session.sessionId };
    }
    const existing = readFlowCookie(c, FLOW_COOKIES.oauthBrowser);
    const browserBinding = existing && BINDING_PATTERN.test(existing) ? existing : generateBrowserBinding();
    const deps = await authDependencies(c);
    const secrets = await startOAuthFlow(deps, {
      providerId: provider.id,
      redirectUri: redirectUriFor(config, provider.id),
      browserBinding,
      purpose,
      userId: signedIn?.userId ?? null,
      sessionId: signedIn?.sessionId ?? null,
      returnTo,
    });
    let location: URL;
    try {
      location = await buildAuthorizationUrl(provider, secrets, providerDeps(config, deps.now));
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      logger.warn("oauth provider unavailable", { provider: provider.id });
      return c.redirect(oauthErrorLocation("provider_unavailable", returnTo), 302);
    }
    setCrossSiteFlowCookie(c, FLOW_COOKIES.oauthBrowser, browserBinding, OAUTH_FLOW_TTL_SECONDS);
    c.header("Cache-Control", "no-store");
    return c.redirect(location.toString(), 302);
  })
  .get("/auth/oauth/:provider/callback", doc.callback, handleCallback)
  .post("/auth/oauth/:provider/callback", doc.formPost, handleCallback);
