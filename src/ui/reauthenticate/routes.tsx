// /auth/reauthenticate: step-up for a signed-in browser (the gateway's step_up=1 redirect, account
// pages), with the same reauthenticate service as POST /auth/reauthenticate. That JSON route owns the
// POST of this path, so the page's forms post to /auth/reauthenticate/confirm.
import type { Context } from "hono";
import { Hono } from "hono";
import { normalizePassword, PASSWORD_MAX_LENGTH } from "../../features/account/password-policy.ts";
import { methodOf } from "../../features/mfa/factors.ts";
import {
  type ReauthMethod,
  type ReauthProof,
  reauthenticate,
  reauthenticationMethods,
} from "../../features/mfa/reauthenticate.ts";
import { assertionOptionsForUser } from "../../features/passkeys/assertion.ts";
import { deliverAccessToken } from "../../features/session/respond.ts";
import { resolveRoute } from "../../gateway/route-table.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { clientInfo } from "../../http/auth-context.ts";
import { withoutAccessCookie } from "../../http/cookies.ts";
import { pendingSetCookies } from "../../http/response-headers.ts";
import { passkeyScriptAsset } from "../assets/registry.ts";
import type { FormState } from "../components/form.tsx";
import { type ProviderChoice, providerChoicesOf } from "../components/provider-links.tsx";
import { type FormFields, readForm } from "../form-body.ts";
import { pageSession, returnToOf } from "../page-session.ts";
import { pagePasskeyOptionsDocs as docs } from "../passkey-options-docs.ts";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import { beginOptionsRoute, mfaDependencies, optionsResponse } from "../passkey-pages.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import { type FactorField, factorError, factorOfForm } from "../second-factor-form.ts";
import type { View } from "../view.ts";
import { REAUTHENTICATE_ACTION, ReauthenticatePage } from "./page.tsx";

/** No session: a fresh sign-in is a recent one, so it goes straight on to return_to afterwards. */
function signInFirst(c: Context<AppEnv>, returnTo: string, status: 302 | 303): Response {
  const query = returnTo === "/" ? "" : `?return_to=${encodeURIComponent(returnTo)}`;
  return c.redirect(`/auth/sign-in${query}`, status);
}

type ReauthPage = {
  returnTo: string;
  session: AuthenticatedSession;
  methods: ReauthMethod[];
  routeNeedsSecondFactor: boolean;
  /** Configured providers the user has linked: signing in at one again is a step-up too. */
  providers: ProviderChoice[];
};

/**
 * What the page offers on the way to `returnTo`. A gateway route with requireMfa lets through only a
 * session that proved a second factor, and a password alone makes the session password-only again
 * (amrAfterStepUp): offering it there would send the user back here, round and round.
 */
async function reauthPage(c: Context<AppEnv>, session: AuthenticatedSession, returnTo: string): Promise<ReauthPage> {
  const methods = await reauthenticationMethods(await mfaDependencies(c), session.userId);
  const target = resolveRoute(c.var.config.gatewayRoutes, new URL(returnTo, c.req.url));
  // The gateway's own choice of route (its own paths, /auth/…, never match one).
  const routeNeedsSecondFactor = target.kind === "route" && target.route.requireMfa;
  const linked = await c.var.db().externalIdentity.findMany({
    where: { userId: session.userId },
    select: { providerId: true },
  });
  // A provider proves one factor: never offered on the way to a requireMfa route.
  const providers = routeNeedsSecondFactor
    ? []
    : providerChoicesOf(c.var.config).filter((provider) => linked.some((row) => row.providerId === provider.id));
  return {
    providers,
    returnTo,
    session,
    methods: routeNeedsSecondFactor ? methods.filter((method) => method !== "password") : methods,
    routeNeedsSecondFactor,
  };
}

async function show(
  c: Context<AppEnv>,
  page: ReauthPage,
  state: FormState | ((view: View) => FormState),
  status: PageOptions["status"] = 200,
) {
  const script = (await passkeyScriptAsset()).path;
  return renderPage(c, { title: ({ t }) => t.reauthenticate.title, status, scripts: [script] }, (view) => (
    <ReauthenticatePage
      view={view}
      state={typeof state === "function" ? state(view) : state}
      returnTo={page.returnTo}
      email={page.session.email}
      methods={page.methods}
      routeNeedsSecondFactor={page.routeNeedsSecondFactor}
      providers={page.providers}
      passkeyScript={script}
    />
  ));
}

type FormProof =
  | { kind: "proof"; proof: ReauthProof; field: FactorField | "password" }
  | { kind: "invalid"; state: (view: View) => FormState };

/** The one proof the form carries, if it is well-formed and one this account is offered. */
function proofOfForm(fields: FormFields, methods: ReauthMethod[]): FormProof {
  const notOffered: FormProof = { kind: "invalid", state: ({ t }) => ({ formError: t.reauthenticate.notOffered }) };
  if ("password" in fields) {
    if (!methods.includes("password")) return notOffered;
    const password = fields.password ?? "";
    if (!password) {
      return { kind: "invalid", state: ({ t }) => ({ errors: { password: t.common.required(t.common.password) } }) };
    }
    if (password.length > PASSWORD_MAX_LENGTH * 4) {
      return { kind: "invalid", state: ({ t }) => ({ errors: { password: t.common.tooLong(t.common.password) } }) };
    }
    return { kind: "proof", proof: { password: normalizePassword(password) }, field: "password" };
  }
  const form = factorOfForm(fields);
  if (form.kind === "invalid") {
    return { kind: "invalid", state: ({ t }) => factorError(t.reauthenticate, form.field, form.problem) };
  }
  if (!methods.includes(methodOf(form.factor))) return notOffered;
  return { kind: "proof", proof: form.factor, field: form.field };
}

export const reauthenticateRoutes = new Hono<AppEnv>()
  .get("/auth/reauthenticate", async (c) => {
    const returnTo = returnToOf(c.req.query("return_to"));
    const session = await pageSession(c);
    if (!session) return signInFirst(c, returnTo, 302);
    // Back from a provider step-up that did not count (another provider account, an ended session).
    const identity = c.req.query("identity");
    const state =
      identity === "not_linked" || identity === "session_ended"
        ? ({ t }: View) => ({ formError: t.reauthenticate.providerRefused[identity] })
        : {};
    return show(c, await reauthPage(c, session, returnTo), state);
  })
  .post(PAGE_PASSKEY_OPTIONS.reauthenticate, docs.reauthenticate, async (c) => {
    beginOptionsRoute(c);
    const session = await pageSession(c);
    if (!session) throw new AppError("unauthenticated");
    const result = await assertionOptionsForUser(await mfaDependencies(c), {
      userId: session.userId,
      purpose: "reauthentication",
      client: await clientInfo(c),
    });
    return optionsResponse(c, result);
  })
  .post(REAUTHENTICATE_ACTION, async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    const session = await pageSession(c);
    if (!session) return signInFirst(c, returnTo, 303);
    const deps = await mfaDependencies(c);
    const page = await reauthPage(c, session, returnTo);
    const form = proofOfForm(fields, page.methods);
    if (form.kind === "invalid") return show(c, page, form.state, 400);
    const result = await reauthenticate(deps, {
      userId: session.userId,
      sessionId: session.sessionId,
      email: session.email,
      proof: form.proof,
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "ok":
        // An access cookie refreshed at the edge for this request is queued to go out last; this one must win.
        c.set("pendingSetCookies", withoutAccessCookie(c, pendingSetCookies(c)));
        deliverAccessToken(c, result, deps.now);
        return seeOther(c, returnTo);
      case "invalid": {
        const { field } = form;
        if (field === "password") {
          return show(c, page, ({ t }) => ({ errors: { password: t.reauthenticate.wrongPassword } }), 401);
        }
        return show(c, page, ({ t }) => factorError(t.reauthenticate, field), 401);
      }
      case "session_ended":
        return signInFirst(c, returnTo, 303);
      case "locked":
        return show(c, page, ({ t }) => ({ formError: t.common.accountLocked }), 423);
      case "throttled":
        c.header("Retry-After", String(result.retryAfterSeconds));
        return show(c, page, ({ t }) => ({ formError: t.common.tooManyAttempts(result.retryAfterSeconds) }), 429);
    }
  });
