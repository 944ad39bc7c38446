// Authenticator app and recovery codes: enroll, confirm (codes shown once), disable, regenerate — the
// same services and the same step-up as /auth/mfa/*.
import { Hono } from "hono";
import { z } from "zod";
import { disableTotp, hasSecondFactor, type SecondFactor } from "../../features/mfa/factors.ts";
import {
  confirmTotpEnrollment,
  pendingTotpEnrollment,
  regenerateRecoveryCodes,
  startTotpEnrollment,
} from "../../features/mfa/service.ts";
import { deliverAccessToken } from "../../features/session/respond.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { clientInfo } from "../../http/auth-context.ts";
import { readForm } from "../form-body.ts";
import { pageSession, returnToOf, signInLocation, withReturnTo } from "../page-session.ts";
import { seeOther } from "../render.tsx";
import { postSession, REAUTHENTICATE_LOCATION, SECURITY_PATH, stepUpError } from "./guard.ts";
import { securityDependencies, showCodes, showEnrollment, showSecurity } from "./show.tsx";

/** Spaces and dashes people paste along with a code do not count. */
const typedCode = (value: string | undefined) => (value ?? "").replace(/[\s-]/g, "");
const TotpCode = z.string().regex(/^\d{6}$/);
const RecoveryCode = z.string().regex(/^[A-Za-z2-7]{10}$/);

/** The code field of the disable form as the factor the API takes: a TOTP code or a recovery code. */
function factorOf(value: string | undefined): SecondFactor | null {
  const code = typedCode(value);
  if (TotpCode.safeParse(code).success) return { totp: code };
  if (RecoveryCode.safeParse(code).success) return { recoveryCode: code };
  return null;
}

export const totpRoutes = new Hono<AppEnv>()
  .post(`${SECURITY_PATH}/totp/enroll`, async (c) => {
    const returnTo = returnToOf((await readForm(c)).return_to);
    const checked = await postSession(c, "recent");
    if ("redirect" in checked) return checked.redirect;
    const { session } = checked;
    const deps = await securityDependencies(c);
    const result = await startTotpEnrollment(deps, { id: session.userId, email: session.email }, c.var.config.issuer);
    if (result.kind === "already_enabled") return seeOther(c, SECURITY_PATH);
    return seeOther(c, withReturnTo(`${SECURITY_PATH}/totp`, returnTo));
  })
  // Shows the pending secret again, so it asks for what starting the enrollment asked for.
  .get(`${SECURITY_PATH}/totp`, async (c) => {
    const session = await pageSession(c);
    if (!session) return c.redirect(signInLocation(c), 302);
    if (await stepUpError(c, session, "recent")) return c.redirect(REAUTHENTICATE_LOCATION, 302);
    const deps = await securityDependencies(c);
    const pending = await pendingTotpEnrollment(
      deps,
      { id: session.userId, email: session.email },
      c.var.config.issuer,
    );
    if (!pending) return c.redirect(SECURITY_PATH, 302);
    return showEnrollment(c, pending, {}, 200, returnToOf(c.req.query("return_to")));
  })
  .post(`${SECURITY_PATH}/totp/confirm`, async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    const checked = await postSession(c, "recent");
    if ("redirect" in checked) return checked.redirect;
    const { session } = checked;
    const deps = await securityDependencies(c);
    const pending = await pendingTotpEnrollment(
      deps,
      { id: session.userId, email: session.email },
      c.var.config.issuer,
    );
    if (!pending) {
      return showSecurity(c, session, {
        state: ({ t }) => ({ formError: t.accountSecurity.noPendingEnrollment }),
        status: 409,
      });
    }
    const code = typedCode(fields.code);
    if (!TotpCode.safeParse(code).success) {
      return showEnrollment(
        c,
        pending,
        ({ t }) => ({ errors: { code: code ? t.accountSecurity.codeFormat : t.common.required(t.common.code) } }),
        400,
        returnTo,
      );
    }
    const result = await confirmTotpEnrollment(deps, {
      userId: session.userId,
      sessionId: session.sessionId,
      code,
      client: await clientInfo(c),
    });
    if (!result)
      return showEnrollment(c, pending, ({ t }) => ({ errors: { code: t.accountSecurity.wrongCode } }), 400, returnTo);
    // The session proved the code: its new token (amr with "mfa") replaces the cookie, as the API does.
    if (result.accessToken) deliverAccessToken(c, result.accessToken, deps.now);
    return showCodes(c, result.recoveryCodes, true, returnTo);
  })
  .post(`${SECURITY_PATH}/totp/disable`, async (c) => {
    const fields = await readForm(c);
    const checked = await postSession(c, "recent");
    if ("redirect" in checked) return checked.redirect;
    const { session } = checked;
    const deps = await securityDependencies(c);
    if (!(await hasSecondFactor(deps, session.userId))) {
      return showSecurity(c, session, { state: ({ t }) => ({ formError: t.accountSecurity.notEnabled }), status: 400 });
    }
    const factor = factorOf(fields.code);
    if (!factor) {
      return showSecurity(c, session, {
        state: ({ t }) => ({
          errors: { code: fields.code ? t.accountSecurity.disableCodeFormat : t.common.required(t.common.code) },
        }),
        status: 400,
      });
    }
    const result = await disableTotp(deps, { userId: session.userId, factor, client: await clientInfo(c) });
    switch (result.kind) {
      case "disabled":
        return seeOther(c, `${SECURITY_PATH}?done=totp_disabled`);
      case "invalid_code":
        return showSecurity(c, session, {
          state: ({ t }) => ({ errors: { code: t.accountSecurity.wrongCode } }),
          status: 400,
        });
      case "locked":
        return showSecurity(c, session, { state: ({ t }) => ({ formError: t.common.accountLocked }), status: 423 });
      case "throttled":
        c.header("Retry-After", String(result.retryAfterSeconds));
        return showSecurity(c, session, {
          state: ({ t }) => ({ formError: t.common.tooManyAttempts(result.retryAfterSeconds) }),
          status: 429,
        });
    }
  })
  // New recovery codes are a way past the second factor: only a session that proved one gets them (API rule).
  .post(`${SECURITY_PATH}/recovery-codes`, async (c) => {
    await readForm(c);
    const checked = await postSession(c, "mfa");
    if ("redirect" in checked) return checked.redirect;
    const { session } = checked;
    const deps = await securityDependencies(c);
    if (!(await hasSecondFactor(deps, session.userId))) {
      return showSecurity(c, session, { state: ({ t }) => ({ formError: t.accountSecurity.notEnabled }), status: 400 });
    }
    return showCodes(c, await regenerateRecoveryCodes(deps, session.userId, await clientInfo(c)), false);
  });
