// Password reset routes (forgot, reset, passkey options) and the dev outbox; email verification is in email-routes.ts.

import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { describe } from "../../http/openapi/describe.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { PASSWORD_PROBLEM_MESSAGES } from "../account/password-policy.ts";
import type { SecondFactor } from "../mfa/factors.ts";
import { answerOptions } from "../passkeys/respond.ts";
import { PasskeyRequestOptions } from "../passkeys/schemas.ts";
import { passkeyOptionsForReset, type ResetDeps, requestPasswordReset, resetPassword } from "./reset.ts";
import { ForgotBody, PasswordResetResponse, RequestedResponse, ResetBody, ResetTokenBody } from "./schemas.ts";

const doc = {
  forgot: describe({
    operationId: "requestPasswordReset",
    tag: "verification",
    summary: "Mail a password reset link to an address (the same answer whether or not an account uses it)",
    body: ForgotBody,
    responses: { 202: RequestedResponse },
  }),
  passkeyOptions: describe({
    operationId: "getPasswordResetPasskeyOptions",
    tag: "verification",
    summary: "WebAuthn options for the passkey that proves the second factor of a reset",
    body: ResetTokenBody,
    responses: { 200: PasskeyRequestOptions },
    errors: ["invalid_token", "no_passkey", "too_many_attempts"],
  }),
  reset: describe({
    operationId: "resetPassword",
    tag: "verification",
    summary: "Set a new password with the reset link's token (and the second factor when it is on)",
    description: "Ends every session of the user. The token is spent only once the new password is accepted.",
    body: ResetBody,
    responses: { 200: PasswordResetResponse },
    errors: [
      "invalid_token",
      "weak_password",
      "second_factor_required",
      "invalid_code",
      "passkey_rejected",
      "account_locked",
      "too_many_attempts",
    ],
  }),
};

/** The second factor a reset carries, if any; more than one is a malformed request. */
function resetSecondFactor(body: z.infer<typeof ResetBody>): SecondFactor | undefined {
  const given = [
    body.totp === undefined ? null : { totp: body.totp },
    body.recoveryCode === undefined ? null : { recoveryCode: body.recoveryCode },
    body.passkey === undefined ? null : { passkey: body.passkey },
  ].filter((factor) => factor !== null);
  if (given.length > 1)
    throw new AppError("invalid_request", {
      fields: [{ path: "", message: "give one of totp, recoveryCode or passkey" }],
    });
  return given[0];
}

async function verificationDependencies(c: Context<AppEnv>): Promise<ResetDeps> {
  const config = c.var.config;
  return {
    ...(await authDependencies(c)),
    webauthn: config.webauthn,
    mail: config.mail,
    appUrl: config.appUrl,
    policy: config,
  };
}

/** The same answer whether or not an account exists. */
const RESET_REQUESTED = {
  status: "requested",
  message: "If an account uses this address, a reset link is on its way.",
};

export const verificationRoutes = new Hono<AppEnv>()
  .post("/auth/password/forgot", doc.forgot, async (c) => {
    const body = await readJsonBody(c, ForgotBody);
    const deps = await verificationDependencies(c);
    const client = await clientInfo(c);
    // The work happens after the response, so the answer and its timing are the same for every address.
    c.var.defer(() => requestPasswordReset(deps, body.email, client));
    return c.json(RESET_REQUESTED, 202);
  })
  .post("/auth/password/reset/passkey/options", doc.passkeyOptions, async (c) => {
    const body = await readJsonBody(c, ResetTokenBody);
    const result = await passkeyOptionsForReset(await verificationDependencies(c), {
      token: body.token,
      client: await clientInfo(c),
    });
    if (result.kind === "invalid") throw new AppError("invalid_token");
    return answerOptions(c, result);
  })
  .post("/auth/password/reset", doc.reset, async (c) => {
    const body = await readJsonBody(c, ResetBody);
    const secondFactor = resetSecondFactor(body);
    const result = await resetPassword(await verificationDependencies(c), {
      token: body.token,
      password: body.password,
      ...(secondFactor ? { secondFactor } : {}),
      client: await clientInfo(c),
    });
    if (result.kind === "invalid") throw new AppError("invalid_token");
    if (result.kind === "second_factor_required") throw new AppError("second_factor_required");
    if (result.kind === "invalid_second_factor")
      throw new AppError(secondFactor && "passkey" in secondFactor ? "passkey_rejected" : "invalid_code");
    if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
    if (result.kind === "locked") throw new AppError("account_locked");
    if (result.kind === "weak_password") {
      const message = PASSWORD_PROBLEM_MESSAGES[result.problem](c.var.config.passwordMinLength);
      throw new AppError("weak_password", { message, fields: [{ path: "password", message }] });
    }
    return c.json({ status: "reset" });
  });

/** GET /dev/outbox: the messages the development outbox holds, newest first; 404 in production. */
export const devOutboxRoutes = new Hono<AppEnv>().get("/dev/outbox", async (c) => {
  if (c.var.config.environment === "production" || c.var.config.mail.provider !== "outbox")
    throw new AppError("not_found");
  const messages = await c.var.db().outboxMessage.findMany({ orderBy: { createdAt: "desc" }, take: 50 });
  c.header("Cache-Control", "no-store");
  return c.json({
    messages: messages.map((m) => ({
      id: m.id,
      recipient: m.recipient,
      template: m.template,
      subject: m.subject,
      text: m.text,
      status: m.status,
      createdAt: m.createdAt.toISOString(),
    })),
  });
});
