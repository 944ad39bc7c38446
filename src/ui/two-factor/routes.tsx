// /auth/two-factor: the second step after the password (the challenge travels in a flow cookie set by
// POST /auth/sign-in), finished with the same completeMfaSignIn service as POST /auth/mfa/verify.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { deferNewDeviceNotice } from "../../features/account/notices.ts";
import { peekMfaChallenge } from "../../features/mfa/challenge.ts";
import { type SecondFactorMethod, secondFactorMethods } from "../../features/mfa/factors.ts";
import { completeMfaSignIn, passkeyOptionsForChallenge } from "../../features/mfa/sign-in.ts";
import { deliverTokens } from "../../features/session/respond.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { clientInfo } from "../../http/auth-context.ts";
import { clearFlowCookie, readFlowCookie } from "../../http/cookies.ts";
import { passkeyScriptAsset } from "../assets/registry.ts";
import type { FormState } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { returnToOf } from "../page-session.ts";
import { pagePasskeyOptionsDocs as docs } from "../passkey-options-docs.ts";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import { beginOptionsRoute, mfaDependencies, optionsResponse } from "../passkey-pages.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import { factorError, factorOfForm } from "../second-factor-form.ts";
import { MFA_CHALLENGE_COOKIE } from "../sign-in/routes.tsx";
import type { View } from "../view.ts";
import { TwoFactorPage } from "./page.tsx";

const ChallengeToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** The flow cookie's challenge while it is live, with the methods its user can answer it with. */
async function pendingChallenge(c: Context<AppEnv>) {
  const token = ChallengeToken.safeParse(readFlowCookie(c, MFA_CHALLENGE_COOKIE));
  if (!token.success) return null;
  const deps = await mfaDependencies(c);
  const challenge = await peekMfaChallenge(deps, token.data, await clientInfo(c));
  if (!challenge) return null;
  const methods = await secondFactorMethods(deps, challenge.userId);
  return methods.length > 0 ? { token: token.data, methods } : null;
}

/** Expired, spent or missing: the sign-in starts over, with a plain message. */
function backToSignIn(c: Context<AppEnv>, returnTo: string): Response {
  clearFlowCookie(c, MFA_CHALLENGE_COOKIE);
  const query = returnTo === "/" ? "" : `&return_to=${encodeURIComponent(returnTo)}`;
  return seeOther(c, `/auth/sign-in?two_factor=expired${query}`);
}

async function show(
  c: Context<AppEnv>,
  returnTo: string,
  methods: SecondFactorMethod[],
  state: FormState | ((view: View) => FormState),
  status: PageOptions["status"] = 200,
) {
  const script = (await passkeyScriptAsset()).path;
  return renderPage(c, { title: ({ t }) => t.twoFactor.title, status, scripts: [script] }, (view) => (
    <TwoFactorPage
      view={view}
      state={typeof state === "function" ? state(view) : state}
      returnTo={returnTo}
      methods={methods}
      passkeyScript={script}
    />
  ));
}

export const twoFactorRoutes = new Hono<AppEnv>()
  .get("/auth/two-factor", async (c) => {
    const returnTo = returnToOf(c.req.query("return_to"));
    const pending = await pendingChallenge(c);
    if (!pending) return backToSignIn(c, returnTo);
    return show(c, returnTo, pending.methods, {});
  })
  .post(PAGE_PASSKEY_OPTIONS.twoFactor, docs.twoFactor, async (c) => {
    beginOptionsRoute(c);
    const token = ChallengeToken.safeParse(readFlowCookie(c, MFA_CHALLENGE_COOKIE));
    if (!token.success) throw new AppError("invalid_challenge");
    const result = await passkeyOptionsForChallenge(await mfaDependencies(c), {
      challenge: token.data,
      client: await clientInfo(c),
    });
    if (result.kind === "invalid_challenge") throw new AppError("invalid_challenge");
    return optionsResponse(c, result);
  })
  .post("/auth/two-factor", async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    const pending = await pendingChallenge(c);
    if (!pending) return backToSignIn(c, returnTo);
    const { methods } = pending;
    const form = factorOfForm(fields);
    if (form.kind === "invalid") {
      return show(c, returnTo, methods, ({ t }) => factorError(t.twoFactor, form.field, form.problem), 400);
    }
    const deps = await mfaDependencies(c);
    const result = await completeMfaSignIn(deps, {
      challenge: pending.token,
      factor: form.factor,
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "signed_in":
        deferNewDeviceNotice(c, deps, result);
        clearFlowCookie(c, MFA_CHALLENGE_COOKIE);
        deliverTokens(c, result.tokens, "browser", deps.now);
        return seeOther(c, returnTo);
      case "invalid_challenge":
        return backToSignIn(c, returnTo);
      case "invalid_code":
        return show(c, returnTo, methods, ({ t }) => factorError(t.twoFactor, form.field), 401);
      case "disabled":
        clearFlowCookie(c, MFA_CHALLENGE_COOKIE);
        return show(c, returnTo, methods, ({ t }) => ({ formError: t.common.accountDisabled }), 403);
      case "locked":
        return show(c, returnTo, methods, ({ t }) => ({ formError: t.common.accountLocked }), 423);
      case "throttled":
        c.header("Retry-After", String(result.retryAfterSeconds));
        return show(
          c,
          returnTo,
          methods,
          ({ t }) => ({ formError: t.common.tooManyAttempts(result.retryAfterSeconds) }),
          429,
        );
    }
  });
