// Second-factor routes: status, TOTP enrollment/confirmation/removal, recovery codes, and the MFA
// step of a sign-in.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { withAliases } from "../../http/aliases.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { assertSameOrigin } from "../../http/csrf.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { deferNewDeviceNotice } from "../account/notices.ts";
import { normalizePassword } from "../account/password-policy.ts";
import { assertionOptionsForUser } from "../passkeys/assertion.ts";
import { PasskeyAssertion } from "../passkeys/schemas.ts";
import { requireRecentAuthentication, requireSession, requireStepUp } from "../session/middleware.ts";
import { deliverAccessToken, deliverTokens } from "../session/respond.ts";
import { disableTotp, hasSecondFactor, mfaStatus, type SecondFactor } from "./factors.ts";
import { reauthenticate } from "./reauthenticate.ts";
import { RecoveryCode, TotpCode } from "./schemas.ts";
import { confirmTotpEnrollment, regenerateRecoveryCodes, startTotpEnrollment } from "./service.ts";
import { completeMfaSignIn, type MfaDeps, passkeyOptionsForChallenge } from "./sign-in.ts";

const totp = TotpCode;
const recoveryCode = RecoveryCode;
const challenge = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be the challenge from the sign-in");
const clientKind = z.enum(["browser", "api"]).default("browser");
/** `recovery_code` is accepted as another spelling of `recoveryCode`. */
const RECOVERY_CODE_ALIAS = { recovery_code: "recoveryCode" };
const Factor = withAliases(RECOVERY_CODE_ALIAS, z.union([z.strictObject({ totp }), z.strictObject({ recoveryCode })]));
const ConfirmBody = z.strictObject({ code: totp });
const VerifyBody = withAliases(
  RECOVERY_CODE_ALIAS,
  z.union([
    z.strictObject({ challenge, totp, client: clientKind }),
    z.strictObject({ challenge, recoveryCode, client: clientKind }),
    z.strictObject({ challenge, passkey: PasskeyAssertion, client: clientKind }),
  ]),
);
const ChallengeBody = z.strictObject({ challenge });
const ReauthenticateBody = withAliases(
  RECOVERY_CODE_ALIAS,
  z.union([
    z.strictObject({ password: z.string().min(1).max(1024).transform(normalizePassword) }),
    z.strictObject({ totp }),
    z.strictObject({ recoveryCode }),
    z.strictObject({ passkey: PasskeyAssertion }),
  ]),
);

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
  .post("/auth/reauthenticate", requireSession(), async (c) => {
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
  .post("/auth/reauthenticate/passkey/options", requireSession(), async (c) => {
    const options = await assertionOptionsForUser(await mfaDependencies(c), {
      userId: c.var.session.userId,
      purpose: "reauthentication",
      client: await clientInfo(c),
    });
    if (!options) throw new AppError("no_passkey");
    c.header("Cache-Control", "no-store");
    return c.json(options);
  })
  .get("/auth/mfa", requireSession(), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await mfaStatus(await authDependencies(c), c.var.session.userId));
  })
  .post("/auth/mfa/totp/enroll", requireSession(), requireRecentAuthentication(), async (c) => {
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
  .post("/auth/mfa/totp/confirm", requireSession(), requireRecentAuthentication(), async (c) => {
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
  .post("/auth/mfa/totp/disable", requireSession(), requireRecentAuthentication(), async (c) => {
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
  .post("/auth/mfa/recovery-codes", requireSession(), requireStepUp({ amr: ["mfa"] }), async (c) => {
    const deps = await authDependencies(c);
    if (!(await hasSecondFactor(deps, c.var.session.userId))) throw new AppError("mfa_not_enabled");
    c.header("Cache-Control", "no-store");
    return c.json({ recoveryCodes: await regenerateRecoveryCodes(deps, c.var.session.userId, await clientInfo(c)) });
  })
  .post("/auth/mfa/passkey/options", async (c) => {
    const body = await readJsonBody(c, ChallengeBody);
    const result = await passkeyOptionsForChallenge(await mfaDependencies(c), {
      challenge: body.challenge,
      client: await clientInfo(c),
    });
    if (result.kind === "invalid_challenge") throw new AppError("invalid_challenge");
    if (result.kind === "no_passkey") throw new AppError("no_passkey");
    c.header("Cache-Control", "no-store");
    return c.json(result.options);
  })
  .post("/auth/mfa/verify", async (c) => {
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
