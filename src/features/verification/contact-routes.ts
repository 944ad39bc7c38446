// Contact routes: change the email address (recent sign-in required) and verify a phone number.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { describeSessionRoute } from "../../http/openapi/describe.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { requireSecondFactorWhenEnabled } from "../mfa/middleware.ts";
import { requireRecentAuthentication, requireSession } from "../session/middleware.ts";
import {
  type ContactDeps,
  confirmEmailChange,
  confirmPhone,
  requestEmailChange,
  requestPhoneVerification,
} from "./contact.ts";
import {
  CodeBody,
  EmailChangeBody,
  EmailChangedResponse,
  PhoneBody,
  PhoneVerifiedResponse,
  SentResponse,
} from "./schemas.ts";
import type { SendResult } from "./service.ts";

const STEP_UP = ["reauthentication_required", "second_factor_required"] as const;
const doc = {
  requestEmailChange: describeSessionRoute({
    operationId: "requestEmailChange",
    tag: "verification",
    summary: "Mail a code to a new address (a recent sign-in, and the second factor when it is on)",
    description: "The address changes only once the code comes back (POST /auth/email/change).",
    body: EmailChangeBody,
    responses: { 202: SentResponse },
    errors: ["too_many_attempts", ...STEP_UP],
  }),
  changeEmail: describeSessionRoute({
    operationId: "changeEmail",
    tag: "verification",
    summary: "Change the address to the one the code was mailed to",
    body: CodeBody,
    responses: { 200: EmailChangedResponse },
    errors: ["invalid_code", "too_many_attempts", ...STEP_UP],
  }),
  requestPhoneVerification: describeSessionRoute({
    operationId: "requestPhoneVerification",
    tag: "verification",
    summary: "Text a verification code to a phone number (E.164)",
    body: PhoneBody,
    responses: { 202: SentResponse },
    errors: ["too_many_attempts", "delivery_failed"],
  }),
  verifyPhone: describeSessionRoute({
    operationId: "verifyPhone",
    tag: "verification",
    summary: "Verify the phone number with the texted code",
    body: CodeBody,
    responses: { 200: PhoneVerifiedResponse },
    errors: ["invalid_code", "too_many_attempts", "phone_in_use"],
  }),
};

async function contactDependencies(c: Context<AppEnv>): Promise<ContactDeps> {
  const config = c.var.config;
  return { ...(await authDependencies(c)), mail: config.mail, sms: config.sms, appUrl: config.appUrl, policy: config };
}

function answerSend(c: Context<AppEnv>, result: SendResult) {
  if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
  if (result.kind === "delivery_failed") throw new AppError("delivery_failed");
  return c.json({ status: "sent" }, 202);
}

export const contactRoutes = new Hono<AppEnv>()
  .post(
    "/auth/email/change/request",
    doc.requestEmailChange,
    requireSession(),
    requireRecentAuthentication(),
    requireSecondFactorWhenEnabled(),
    async (c) => {
      const body = await readJsonBody(c, EmailChangeBody);
      const deps = await contactDependencies(c);
      const current = await deps.db.user.findUnique({ where: { id: c.var.session.userId }, select: { email: true } });
      if (current?.email === body.email) {
        throw new AppError("invalid_request", { fields: [{ path: "email", message: "is already your address" }] });
      }
      const result = await requestEmailChange(deps, {
        userId: c.var.session.userId,
        newEmail: body.email,
        limitHash: (await clientInfo(c)).limitHash,
      });
      if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
      c.var.defer(() => result.delivery);
      return c.json({ status: "sent" }, 202);
    },
  )
  .post(
    "/auth/email/change",
    doc.changeEmail,
    requireSession(),
    requireRecentAuthentication(),
    requireSecondFactorWhenEnabled(),
    async (c) => {
      const body = await readJsonBody(c, CodeBody);
      const result = await confirmEmailChange(await contactDependencies(c), {
        userId: c.var.session.userId,
        code: body.code,
        client: await clientInfo(c),
      });
      if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
      if (result.kind === "invalid") throw new AppError("invalid_code");
      return c.json({ status: "changed", email: result.email });
    },
  )
  .post("/auth/phone/verify/request", doc.requestPhoneVerification, requireSession(), async (c) => {
    const body = await readJsonBody(c, PhoneBody);
    return answerSend(
      c,
      await requestPhoneVerification(await contactDependencies(c), {
        userId: c.var.session.userId,
        phone: body.phone,
        limitHash: (await clientInfo(c)).limitHash,
      }),
    );
  })
  .post("/auth/phone/verify", doc.verifyPhone, requireSession(), async (c) => {
    const body = await readJsonBody(c, CodeBody);
    const result = await confirmPhone(await contactDependencies(c), {
      userId: c.var.session.userId,
      code: body.code,
      client: await clientInfo(c),
    });
    if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
    if (result.kind === "invalid") throw new AppError("invalid_code");
    if (result.kind === "in_use") throw new AppError("phone_in_use");
    return c.json({ status: "verified", phone: result.phone });
  });
