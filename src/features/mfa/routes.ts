// Second-factor routes: status, TOTP enrollment/confirmation/removal, recovery codes, and the MFA
// step of a sign-in.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { setAccessTokenCookie } from "../../http/cookies.ts";
import { assertSameOrigin } from "../../http/csrf.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { normalizePassword } from "../account/password-policy.ts";
import type { AccountDeps } from "../account/service.ts";
import { requireRecentAuthentication, requireSession } from "../session/middleware.ts";
import { deliverTokens } from "../session/respond.ts";
import { reauthenticate } from "./reauthenticate.ts";
import {
  confirmTotpEnrollment,
  disableTotp,
  hasSecondFactor,
  mfaStatus,
  regenerateRecoveryCodes,
  type SecondFactor,
  startTotpEnrollment,
} from "./service.ts";
import { completeMfaSignIn } from "./sign-in.ts";

const totp = z.string().regex(/^\d{6}$/, "must be 6 digits");
const recoveryCode = z.string().regex(/^[A-Za-z2-7]{5}-?[A-Za-z2-7]{5}$/, "must be a recovery code like ABCDE-FGHIJ");
const Factor = z.union([z.strictObject({ totp }), z.strictObject({ recoveryCode })]);
const ConfirmBody = z.strictObject({ code: totp });
const VerifyBody = z.union([
  z.strictObject({
    challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    totp,
    client: z.enum(["browser", "api"]).default("browser"),
  }),
  z.strictObject({
    challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    recoveryCode,
    client: z.enum(["browser", "api"]).default("browser"),
  }),
]);

const factorOf = (body: { totp?: string; recoveryCode?: string }): SecondFactor =>
  body.totp !== undefined ? { totp: body.totp } : { recoveryCode: body.recoveryCode ?? "" };

async function accountDependencies(c: Context<AppEnv>): Promise<AccountDeps> {
  return { ...(await authDependencies(c)), accountSettings: c.var.config };
}

const ReauthenticateBody = z.union([
  z.strictObject({ password: z.string().min(1).max(1024).transform(normalizePassword) }),
  z.strictObject({ totp }),
]);

export const mfaRoutes = new Hono<AppEnv>()
  .post("/auth/reauthenticate", requireSession(), async (c) => {
    const body = await readJsonBody(c, ReauthenticateBody);
    const deps = await accountDependencies(c);
    const session = c.var.session;
    const result = await reauthenticate(deps, {
      userId: session.userId,
      sessionId: session.sessionId,
      email: session.email,
      proof: "password" in body ? { password: body.password } : { totp: body.totp },
      client: await clientInfo(c),
    });
    if (result.kind === "invalid") throw new AppError("invalid_credentials");
    if (result.kind === "locked") throw new AppError("account_locked");
    if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
    const ttl = Math.max(0, Math.floor((result.accessTokenExpiresAt.getTime() - deps.now.getTime()) / 1000));
    c.header("Cache-Control", "no-store");
    // Bearer clients get the fresher token in the body; browsers get it as their access cookie.
    if (c.req.header("authorization"))
      return c.json({ status: "reauthenticated", accessToken: result.accessToken, tokenType: "Bearer" });
    setAccessTokenCookie(c, result.accessToken, ttl);
    return c.json({ status: "reauthenticated" });
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
    const codes = await confirmTotpEnrollment(
      await authDependencies(c),
      c.var.session.userId,
      body.code,
      await clientInfo(c),
    );
    if (!codes) throw new AppError("invalid_code");
    c.header("Cache-Control", "no-store");
    return c.json({ status: "enabled", recoveryCodes: codes });
  })
  .post("/auth/mfa/totp/disable", requireSession(), requireRecentAuthentication(), async (c) => {
    const body = await readJsonBody(c, Factor);
    const deps = await authDependencies(c);
    if (!(await hasSecondFactor(deps, c.var.session.userId))) throw new AppError("mfa_not_enabled");
    if (!(await disableTotp(deps, c.var.session.userId, factorOf(body), await clientInfo(c))))
      throw new AppError("invalid_code");
    return c.json({ status: "disabled" });
  })
  .post("/auth/mfa/recovery-codes", requireSession(), requireRecentAuthentication(), async (c) => {
    const deps = await authDependencies(c);
    if (!(await hasSecondFactor(deps, c.var.session.userId))) throw new AppError("mfa_not_enabled");
    c.header("Cache-Control", "no-store");
    return c.json({ recoveryCodes: await regenerateRecoveryCodes(deps, c.var.session.userId, await clientInfo(c)) });
  })
  .post("/auth/mfa/verify", async (c) => {
    const body = await readJsonBody(c, VerifyBody);
    if (body.client === "browser") assertSameOrigin(c);
    const deps = await accountDependencies(c);
    const result = await completeMfaSignIn(deps, {
      challenge: body.challenge,
      factor: factorOf(body),
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "signed_in":
        return c.json({ status: "signed_in", session: deliverTokens(c, result.tokens, body.client, deps.now) });
      case "invalid_challenge":
        throw new AppError("invalid_challenge");
      case "invalid_code":
        throw new AppError("invalid_code");
      case "locked":
        throw new AppError("account_locked");
      case "throttled":
        return tooManyAttempts(c, result.retryAfterSeconds);
    }
  });
