// Contact routes: change the email address (recent sign-in required) and verify a phone number.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { normalizeEmail } from "../account/email.ts";
import { requireSecondFactorWhenEnabled } from "../mfa/middleware.ts";
import { requireRecentAuthentication, requireSession } from "../session/middleware.ts";
import {
  type ContactDeps,
  confirmEmailChange,
  confirmPhone,
  requestEmailChange,
  requestPhoneVerification,
} from "./contact.ts";
import type { SendResult } from "./service.ts";

const code = z.string().regex(/^\d{6}$/, "must be 6 digits");
const CodeBody = z.strictObject({ code });
const EmailChangeBody = z.strictObject({
  email: z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254)),
});
// E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
const PhoneBody = z.strictObject({
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number, e.g. +14155550123"),
});

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
  .post("/auth/phone/verify/request", requireSession(), async (c) => {
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
  .post("/auth/phone/verify", requireSession(), async (c) => {
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
