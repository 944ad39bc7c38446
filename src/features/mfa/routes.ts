// Second-factor routes: status, TOTP enrollment/confirmation/removal, recovery codes, and the MFA
// step of a sign-in.

import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { assertSameOrigin } from "../../http/csrf.ts";
import { describe, describeSessionRoute } from "../../http/openapi/describe.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { deferNewDeviceNotice } from "../account/notices.ts";
import { SignedInResponse } from "../account/schemas.ts";
import { assertionOptionsForUser } from "../passkeys/assertion.ts";
import { answerOptions } from "../passkeys/respond.ts";
import { PasskeyRequestOptions } from "../passkeys/schemas.ts";
import { requireRecentAuthentication, requireSession, requireStepUp } from "../session/middleware.ts";
import { deliverAccessToken, deliverTokens } from "../session/respond.ts";
import { disableTotp, hasSecondFactor, mfaStatus, type SecondFactor } from "./factors.ts";
import { reauthenticate } from "./reauthenticate.ts";
import {
  ChallengeBody,
  ConfirmBody,
  Factor,
  MfaStatusResponse,
  ReauthenticateBody,
  ReauthenticatedResponse,
  RecoveryCodesResponse,
  TotpDisabledResponse,
  TotpEnabledResponse,
  TotpEnrollmentResponse,
  VerifyBody,
} from "./schemas.ts";
import { confirmTotpEnrollment, regenerateRecoveryCodes, startTotpEnrollment } from "./service.ts";
import { completeMfaSignIn, type MfaDeps, passkeyOptionsForChallenge } from "./sign-in.ts";

const REAUTHENTICATE = "Answer reauthentication_required or second_factor_required at POST /auth/reauthenticate.";

const doc = {
  reauthenticate: describeSessionRoute({
    operationId: "reauthenticate",
    tag: "mfa",
    summary: "Prove the password, a second factor or a passkey again: a new access token with a fresh sign-in time",
    body: ReauthenticateBody,
    responses: { 200: ReauthenticatedResponse },
    errors: ["invalid_credentials", "passkey_rejected", "account_locked", "too_many_attempts"],
  }),
  reauthenticatePasskeyOptions: describeSessionRoute({
    operationId: "getReauthenticationPasskeyOptions",
    tag: "mfa",
    summary: "WebAuthn options to re-authenticate with one of the user's passkeys",
    responses: { 200: PasskeyRequestOptions },
    errors: ["no_passkey", "too_many_attempts"],
  }),
  status: describeSessionRoute({
    operationId: "getMfaStatus",
    tag: "mfa",
    summary: "The user's second factors: authenticator app on or off, passkeys, recovery codes left",
    responses: { 200: MfaStatusResponse },
  }),
  enrollTotp: describeSessionRoute({
    operationId: "startTotpEnrollment",
    tag: "mfa",
    summary: "Start (or restart) setting up an authenticator app: a new secret to confirm with a code",
    description: REAUTHENTICATE,
    responses: { 200: TotpEnrollmentResponse },
    errors: ["reauthentication_required", "mfa_already_enabled"],
  }),
  confirmTotp: describeSessionRoute({
    operationId: "confirmTotpEnrollment",
    tag: "mfa",
    summary: "Turn the authenticator app on with a first code: answers the recovery codes",
    description: REAUTHENTICATE,
    body: ConfirmBody,
    responses: { 200: TotpEnabledResponse },
    errors: ["reauthentication_required", "invalid_code"],
  }),
  disableTotp: describeSessionRoute({
    operationId: "disableTotp",
    tag: "mfa",
    summary: "Turn the authenticator app off, with a code from it or a recovery code",
    description: REAUTHENTICATE,
    body: Factor,
    responses: { 200: TotpDisabledResponse },
    errors: ["reauthentication_required", "mfa_not_enabled", "invalid_code", "account_locked", "too_many_attempts"],
  }),
  recoveryCodes: describeSessionRoute({
    operationId: "regenerateRecoveryCodes",
    tag: "mfa",
    summary: "Replace the recovery codes (a session that proved a second factor recently)",
    description: REAUTHENTICATE,
    responses: { 200: RecoveryCodesResponse },
    errors: ["reauthentication_required", "second_factor_required", "mfa_not_enabled"],
  }),
  passkeyOptions: describe({
    operationId: "getMfaPasskeyOptions",
    tag: "mfa",
    summary: "WebAuthn options to answer a sign-in's second-factor challenge with a passkey",
    body: ChallengeBody,
    responses: { 200: PasskeyRequestOptions },
    errors: ["invalid_challenge", "no_passkey", "too_many_attempts"],
  }),
  verify: describe({
    operationId: "verifyMfa",
    tag: "mfa",
    summary: "Finish a sign-in: the challenge from POST /auth/login and a TOTP code, recovery code or passkey",
    body: VerifyBody,
    responses: { 200: SignedInResponse },
    errors: [
      "invalid_challenge",
      "invalid_code",
      "passkey_rejected",
      "account_disabled",
      "account_locked",
      "too_many_attempts",
    ],
  }),
};

/** The one factor a body carries (the schemas above allow exactly one). */
const factorOf = (body: z.infer<typeof Factor> | z.infer<typeof VerifyBody>): SecondFactor =>
  "totp" in body
    ? { totp: body.totp }
    : "passkey" in body
      ? { passkey: body.passkey }
      : { recoveryCode: body.recoveryCode };

async function mfaDependencies(c: Context<AppEnv>): Promise<MfaDeps> {
  return { ...(await authDependencies(c)), accountSettings: c.var.config, webauthn: c.var.config.webauthn };
}

export const mfaRoutes = new Hono<AppEnv>()
  .post("/auth/reauthenticate", doc.reauthenticate, requireSession(), async (c) => {
    const body = await readJsonBody(c, ReauthenticateBody);
    const deps = await mfaDependencies(c);
    const session = c.var.session;
    const result = await reauthenticate(deps, {
      userId: session.userId,
      sessionId: session.sessionId,
      email: session.email,
      proof: body,
      client: await clientInfo(c),
    });
    if (result.kind === "invalid") throw new AppError("passkey" in body ? "passkey_rejected" : "invalid_credentials");
    if (result.kind === "session_ended") throw new AppError("unauthenticated");
    if (result.kind === "locked") throw new AppError("account_locked");
    if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
    return c.json({ status: "reauthenticated", ...deliverAccessToken(c, result, deps.now) });
  })
  .post("/auth/reauthenticate/passkey/options", doc.reauthenticatePasskeyOptions, requireSession(), async (c) => {
    const result = await assertionOptionsForUser(await mfaDependencies(c), {
      userId: c.var.session.userId,
      purpose: "reauthentication",
      client: await clientInfo(c),
    });
    return answerOptions(c, result);
  })
  .get("/auth/mfa", doc.status, requireSession(), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await mfaStatus(await authDependencies(c), c.var.session.userId));
  })
  .post("/auth/mfa/totp/enroll", doc.enrollTotp, requireSession(), requireRecentAuthentication(), async (c) => {
    const deps = await authDependencies(c);
    const result = await startTotpEnrollment(
      deps,
      { id: c.var.session.userId, email: c.var.session.email },
      c.var.config.issuer,
    );
    if (result.kind === "already_enabled") throw new AppError("mfa_already_enabled");
    c.header("Cache-Control", "no-store");
    return c.json({ secret: result.secret, otpauthUri: result.otpauthUri, qrSvg: result.qrSvg });
  })
  .post("/auth/mfa/totp/confirm", doc.confirmTotp, requireSession(), requireRecentAuthentication(), async (c) => {
    const body = await readJsonBody(c, ConfirmBody);
    const deps = await authDependencies(c);
    const result = await confirmTotpEnrollment(deps, {
      userId: c.var.session.userId,
      sessionId: c.var.session.sessionId,
      code: body.code,
      client: await clientInfo(c),
    });
    if (!result) throw new AppError("invalid_code");
    c.header("Cache-Control", "no-store");
    return c.json({
      status: "enabled",
      recoveryCodes: result.recoveryCodes,
      ...(result.accessToken ? deliverAccessToken(c, result.accessToken, deps.now) : {}),
    });
  })
  .post("/auth/mfa/totp/disable", doc.disableTotp, requireSession(), requireRecentAuthentication(), async (c) => {
    const body = await readJsonBody(c, Factor);
    const deps = await mfaDependencies(c);
    if (!(await hasSecondFactor(deps, c.var.session.userId))) throw new AppError("mfa_not_enabled");
    const result = await disableTotp(deps, {
      userId: c.var.session.userId,
      factor: factorOf(body),
      client: await clientInfo(c),
    });
    if (result.kind === "invalid_code") throw new AppError("invalid_code");
    if (result.kind === "locked") throw new AppError("account_locked");
    if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
    return c.json({ status: "disabled" });
  })
  // New recovery codes are a way past the second factor, so only a session that proved one gets them.
  .post("/auth/mfa/recovery-codes", doc.recoveryCodes, requireSession(), requireStepUp({ amr: ["mfa"] }), async (c) => {
    const deps = await authDependencies(c);
    if (!(await hasSecondFactor(deps, c.var.session.userId))) throw new AppError("mfa_not_enabled");
    c.header("Cache-Control", "no-store");
    return c.json({ recoveryCodes: await regenerateRecoveryCodes(deps, c.var.session.userId, await clientInfo(c)) });
  })
  .post("/auth/mfa/passkey/options", doc.passkeyOptions, async (c) => {
    const body = await readJsonBody(c, ChallengeBody);
    const result = await passkeyOptionsForChallenge(await mfaDependencies(c), {
      challenge: body.challenge,
      client: await clientInfo(c),
    });
    if (result.kind === "invalid_challenge") throw new AppError("invalid_challenge");
    return answerOptions(c, result);
  })
  .post("/auth/mfa/verify", doc.verify, async (c) => {
    const body = await readJsonBody(c, VerifyBody);
    if (body.client === "browser") assertSameOrigin(c);
    const deps = await mfaDependencies(c);
    const result = await completeMfaSignIn(deps, {
      challenge: body.challenge,
      factor: factorOf(body),
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "signed_in":
        deferNewDeviceNotice(c, deps, result);
        return c.json({ status: "signed_in", session: deliverTokens(c, result.tokens, body.client, deps.now) });
      case "invalid_challenge":
        throw new AppError("invalid_challenge");
      case "invalid_code":
        throw new AppError("passkey" in body ? "passkey_rejected" : "invalid_code");
      case "disabled":
        throw new AppError("account_disabled");
      case "locked":
        throw new AppError("account_locked");
      case "throttled":
        return tooManyAttempts(c, result.retryAfterSeconds);
    }
  });
