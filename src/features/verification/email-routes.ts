// Email verification routes: ask for a code (signed in, or by address), the old link address (GET, read
// only: browsers go on to the hosted page) and verification by code or link (POST, consumes).
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { describe } from "../../http/openapi/describe.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { authenticate } from "../session/middleware.ts";
import {
  AlreadyVerifiedResponse,
  EmailVerificationRequestBody,
  EmailVerifiedResponse,
  EmailVerifyBody,
  EmailVerifyQuery,
  RequestedResponse,
  SentResponse,
  VerifyLinkResponse,
} from "./schemas.ts";
import {
  checkVerificationToken,
  requestEmailVerification,
  requestEmailVerificationByAddress,
  type VerificationDeps,
  type VerifyResult,
  verifyEmail,
} from "./service.ts";

const SIGNED_IN_OR_BY_ADDRESS =
  "With a session (cookie or bearer) or, given an address or a link's token, without one.";
const doc = {
  request: describe({
    operationId: "requestEmailVerification",
    tag: "verification",
    summary: "Send a new verification code and link: to the signed-in user, or to an address",
    description: `${SIGNED_IN_OR_BY_ADDRESS} By address, the answer is the same for every address; the mail goes out after it.`,
    auth: "optional",
    body: EmailVerificationRequestBody,
    bodyRequired: false,
    responses: {
      200: AlreadyVerifiedResponse,
      202: z.union([RequestedResponse, SentResponse]),
    },
    errors: ["too_many_attempts", "delivery_failed"],
  }),
  checkLink: describe({
    operationId: "checkEmailVerificationLink",
    tag: "verification",
    summary: "The link of older verification mails: checks the token without spending it",
    description:
      "A caller whose Accept header puts `application/json` first (or has no `text/html`) gets the JSON answer; browsers and mail scanners are redirected, token and all, to the hosted page `/auth/verify-email`. Nothing is consumed: POST the token to verify.",
    query: EmailVerifyQuery,
    responses: {
      200: VerifyLinkResponse,
      302: {
        description: "A browser: to `/auth/verify-email?token=…` (the token is not checked on the way); no body.",
        headers: { Location: "The hosted verification page." },
      },
    },
    errors: ["invalid_request", "invalid_token"],
  }),
  verify: describe({
    operationId: "verifyEmail",
    tag: "verification",
    summary: "Verify the address with the link's token or the mailed code",
    description: SIGNED_IN_OR_BY_ADDRESS,
    auth: "optional",
    body: EmailVerifyBody,
    responses: { 200: EmailVerifiedResponse },
    errors: ["invalid_code", "invalid_token", "too_many_attempts"],
  }),
};

/** The same answer for every address: known, unknown, verified or not, under or over the limit. */
const VERIFICATION_REQUESTED = {
  status: "requested",
  message: "If an account uses this address and it is not verified yet, a new code and link are on their way.",
};

async function verificationDependencies(c: Context<AppEnv>): Promise<VerificationDeps> {
  const config = c.var.config;
  return { ...(await authDependencies(c)), mail: config.mail, appUrl: config.appUrl, policy: config };
}

async function signedInUser(c: Context<AppEnv>): Promise<string> {
  const session = await authenticate(c);
  if (session) return session.userId;
  c.header("WWW-Authenticate", "Bearer");
  throw new AppError("unauthenticated");
}

/** Browsers (and mail scanners) get HTML; a caller that asks for JSON first gets JSON. */
function wantsJson(c: Context<AppEnv>): boolean {
  const accept = c.req.header("accept") ?? "";
  const json = accept.indexOf("application/json");
  const html = accept.indexOf("text/html");
  return json >= 0 && (html < 0 || json < html);
}

function refuseVerify(c: Context<AppEnv>, result: Exclude<VerifyResult, { kind: "verified" }>, byCode: boolean) {
  if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
  throw new AppError(byCode ? "invalid_code" : "invalid_token");
}

export const emailVerificationRoutes = new Hono<AppEnv>()
  .post("/auth/email/verify/request", doc.request, async (c) => {
    const hasBody = c.req.header("content-type") !== undefined || (await c.req.text()) !== "";
    const body = hasBody ? await readJsonBody(c, EmailVerificationRequestBody) : {};
    const deps = await verificationDependencies(c);
    const client = await clientInfo(c);
    const email = body.email;
    if (email !== undefined) {
      // The work happens after the response, so the answer and its timing are the same for every address.
      c.var.defer(() => requestEmailVerificationByAddress(deps, email, client));
      return c.json(VERIFICATION_REQUESTED, 202);
    }
    const result = await requestEmailVerification(deps, await signedInUser(c), client);
    if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
    if (result.kind === "delivery_failed") throw new AppError("delivery_failed");
    return c.json({ status: result.kind }, result.kind === "sent" ? 202 : 200);
  })
  .get("/auth/email/verify", doc.checkLink, async (c) => {
    const query = EmailVerifyQuery.safeParse(c.req.query());
    if (!query.success)
      throw new AppError("invalid_request", {
        fields: [{ path: "token", message: "must be the token from the link" }],
      });
    c.header("Cache-Control", "no-store");
    // Mails sent before the hosted page existed link here: browsers go on to it, token and all (it only
    // shows a confirmation, as this GET did). Nothing is read or consumed on the way.
    if (!wantsJson(c)) {
      c.header("Referrer-Policy", "no-referrer");
      return c.redirect(`/auth/verify-email?token=${encodeURIComponent(query.data.token)}`, 302);
    }
    // Read only: a scanner that fetches the link must leave the token usable.
    const live = await checkVerificationToken(await verificationDependencies(c), query.data.token);
    if (!live) throw new AppError("invalid_token");
    return c.json({ status: "confirm", message: "POST {token} to /auth/email/verify to verify the address." });
  })
  .post("/auth/email/verify", doc.verify, async (c) => {
    const deps = await verificationDependencies(c);
    const body = await readJsonBody(c, EmailVerifyBody);
    const client = await clientInfo(c);
    const result =
      "token" in body
        ? await verifyEmail(deps, { token: body.token, client })
        : "email" in body
          ? await verifyEmail(deps, { code: body.code, email: body.email, client })
          : // A code alone proves the address only for the signed-in user it was sent to.
            await verifyEmail(deps, { code: body.code, userId: await signedInUser(c), client });
    if (result.kind !== "verified") return refuseVerify(c, result, !("token" in body));
    return c.json({ status: "verified" });
  });
