// /auth/link: a social sign-in found an account with the provider's verified email. GET shows what the
// pending link (portcullis_link cookie) needs; POST links it for the signed-in owner with the same
// completeLink service as POST /auth/identities/link; POST /auth/link/cancel drops the cookie.
import type { Context } from "hono";
import { Hono } from "hono";
import { completeLink, peekLinkIntent } from "../../features/identities/link-intents.ts";
import { deferIdentityNotice } from "../../features/identities/linking.ts";
import { findOAuthProvider } from "../../features/identities/social/index.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { clearFlowCookie, IDENTITY_LINK_COOKIE, readFlowCookie } from "../../http/cookies.ts";
import { SECURITY_PATH } from "../account-security/guard.ts";
import type { FormState } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { pageSession } from "../page-session.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import { LINK_PATH, LinkPage, type LinkPageState } from "./page.tsx";

const MAX_LINK_TOKEN_LENGTH = 512;

/** The provider's display name, or its entry id when it is no longer configured. */
const providerName = (c: Context<AppEnv>, providerId: string) =>
  findOAuthProvider(c.var.config.oauthProviders, providerId)?.displayName ?? providerId;

function linkTokenOf(c: Context<AppEnv>): string | undefined {
  const token = readFlowCookie(c, IDENTITY_LINK_COOKIE);
  return token && token.length <= MAX_LINK_TOKEN_LENGTH ? token : undefined;
}

function show(
  c: Context<AppEnv>,
  state: LinkPageState,
  form: FormState | ((view: View) => FormState) = {},
  status: PageOptions["status"] = 200,
) {
  return renderPage(c, { title: ({ t }) => t.identities.link.title, status }, (view) => (
    <LinkPage view={view} state={state} form={typeof form === "function" ? form(view) : form} />
  ));
}

/** Where a finished link goes: the intent's return_to, or the security page with its notice. */
function afterLinkLocation(returnTo: string | null): string {
  if (!returnTo || returnTo === SECURITY_PATH) return `${SECURITY_PATH}?identity=linked`;
  return returnTo;
}

export const linkRoutes = new Hono<AppEnv>()
  .get(LINK_PATH, async (c) => {
    const token = linkTokenOf(c);
    const deps = await authDependencies(c);
    const intent = token ? await peekLinkIntent(deps, token, await clientInfo(c)) : null;
    if (!intent) return show(c, { kind: "expired" });
    const provider = providerName(c, intent.providerId);
    const session = await pageSession(c);
    if (!session) return show(c, { kind: "sign_in", email: intent.email, provider });
    if (session.userId !== intent.userId) return show(c, { kind: "wrong_account", signedInAs: session.email });
    return show(c, { kind: "confirm", email: intent.email, provider });
  })
  .post(LINK_PATH, async (c) => {
    await readForm(c);
    const token = linkTokenOf(c);
    const session = await pageSession(c);
    if (!session) return seeOther(c, token ? LINK_PATH : "/auth/sign-in");
    if (!token) return show(c, { kind: "expired" }, {}, 400);
    const deps = await authDependencies(c);
    const result = await completeLink(deps, { token, session, client: await clientInfo(c) });
    switch (result.kind) {
      case "linked":
        clearFlowCookie(c, IDENTITY_LINK_COOKIE);
        await deferIdentityNotice(deps, c.var.config.mail, {
          email: result.email,
          change: "linked",
          provider: providerName(c, result.providerId),
        });
        return seeOther(c, afterLinkLocation(result.returnTo));
      case "proof_required":
        // The session began before the intent: a fresh sign-in (with the second factor) is the proof.
        return seeOther(c, `/auth/reauthenticate?return_to=${encodeURIComponent(LINK_PATH)}`);
      case "wrong_account":
        return show(c, { kind: "wrong_account", signedInAs: session.email }, {}, 403);
      case "identity_in_use":
        clearFlowCookie(c, IDENTITY_LINK_COOKIE);
        return show(c, { kind: "expired" }, ({ t }) => ({ formError: t.identities.link.inUse }), 409);
      case "invalid_token":
        clearFlowCookie(c, IDENTITY_LINK_COOKIE);
        return show(c, { kind: "expired" }, {}, 400);
    }
  })
  .post(`${LINK_PATH}/cancel`, async (c) => {
    await readForm(c);
    clearFlowCookie(c, IDENTITY_LINK_COOKIE);
    return seeOther(c, "/auth/sign-in");
  });
