// /auth/verify-email: the link's confirmation (GET shows, POST consumes), the code form and the resend
// button, on the same services as POST /auth/email/verify and POST /auth/email/verify/request.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { normalizeEmail } from "../../features/account/email.ts";
import {
  checkVerificationToken,
  requestEmailVerificationByAddress,
  type VerificationDeps,
  verifyEmail,
} from "../../features/verification/service.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import type { FormState } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { returnToOf } from "../page-session.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import { addressToVerify, forgetAddressToVerify, rememberAddressToVerify, verifyEmailLocation } from "./flow.ts";
import { CodePage, ConfirmPage, ExpiredLinkPage, VerifiedPage } from "./page.tsx";

const Email = z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254));
const Token = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const Code = z
  .string()
  .trim()
  .regex(/^\d{6}$/);
const CodeForm = z.object({ email: Email, code: Code });

async function verificationDependencies(c: Context<AppEnv>): Promise<VerificationDeps> {
  const config = c.var.config;
  return { ...(await authDependencies(c)), mail: config.mail, appUrl: config.appUrl, policy: config };
}

function showCode(
  c: Context<AppEnv>,
  returnTo: string,
  state: FormState | ((view: View) => FormState),
  status: PageOptions["status"] = 200,
) {
  const sentTo = addressToVerify(c);
  const resent = c.req.method === "GET" && c.req.query("resent") === "1";
  return renderPage(c, { title: ({ t }) => t.verifyEmail.title, status }, (view) => {
    const resolved = typeof state === "function" ? state(view) : state;
    const values = { email: sentTo ?? "", ...resolved.values };
    return <CodePage view={view} state={{ ...resolved, values }} returnTo={returnTo} sentTo={sentTo} resent={resent} />;
  });
}

function showExpired(c: Context<AppEnv>, returnTo: string) {
  return renderPage(c, { title: ({ t }) => t.verifyEmail.expiredTitle, status: 400 }, (view) => (
    <ExpiredLinkPage view={view} returnTo={returnTo} />
  ));
}

function codeErrors(view: View, fields: Record<string, string>): FormState["errors"] {
  const errors: Record<string, string> = {};
  if (!fields.email) errors.email = view.t.common.required(view.t.common.email);
  else if (!Email.safeParse(fields.email).success) errors.email = view.t.common.invalidEmail;
  if (!Code.safeParse(fields.code ?? "").success) errors.code = view.t.verifyEmail.invalidCode;
  return errors;
}

/** The link's form: consumes the token, as POST /auth/email/verify {token} does. */
async function verifyLink(c: Context<AppEnv>, token: string | undefined, returnTo: string) {
  const parsed = Token.safeParse(token);
  if (!parsed.success) return showExpired(c, returnTo);
  const result = await verifyEmail(await verificationDependencies(c), {
    token: parsed.data,
    client: await clientInfo(c),
  });
  if (result.kind !== "verified") return showExpired(c, returnTo);
  forgetAddressToVerify(c);
  return seeOther(c, verifyEmailLocation(returnTo, "verified=1"));
}

export const verifyEmailRoutes = new Hono<AppEnv>()
  .get("/auth/verify-email", async (c) => {
    const returnTo = returnToOf(c.req.query("return_to"));
    const token = c.req.query("token");
    if (token !== undefined) {
      // Read only: a mail scanner that follows the link must leave the token usable.
      const parsed = Token.safeParse(token);
      const live = parsed.success && (await checkVerificationToken(await verificationDependencies(c), parsed.data));
      if (!live) return showExpired(c, returnTo);
      return renderPage(c, { title: ({ t }) => t.verifyEmail.confirmTitle }, (view) => (
        <ConfirmPage view={view} token={token} returnTo={returnTo} />
      ));
    }
    if (c.req.query("verified") === "1") {
      return renderPage(c, { title: ({ t }) => t.verifyEmail.verifiedTitle }, (view) => (
        <VerifiedPage view={view} returnTo={returnTo} />
      ));
    }
    return showCode(c, returnTo, {});
  })
  .post("/auth/verify-email", async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    if (fields.token !== undefined) return verifyLink(c, fields.token, returnTo);
    const values = { email: fields.email ?? "" };
    const parsed = CodeForm.safeParse(fields);
    if (!parsed.success) return showCode(c, returnTo, (view) => ({ values, errors: codeErrors(view, fields) }), 400);
    const result = await verifyEmail(await verificationDependencies(c), {
      email: parsed.data.email,
      code: parsed.data.code,
      client: await clientInfo(c),
    });
    if (result.kind === "throttled") {
      c.header("Retry-After", String(result.retryAfterSeconds));
      const formError = (view: View) => view.t.common.tooManyAttempts(result.retryAfterSeconds);
      return showCode(c, returnTo, (view) => ({ values, formError: formError(view) }), 429);
    }
    // A wrong code for a known address and any code for an unknown one read the same (D1).
    if (result.kind === "invalid")
      return showCode(c, returnTo, ({ t }) => ({ values, errors: { code: t.verifyEmail.wrongCode } }), 400);
    // Verifying proves the address only; it signs nobody in (the service's rule), so sign-in comes next.
    forgetAddressToVerify(c);
    return seeOther(c, verifyEmailLocation(returnTo, "verified=1"));
  })
  .post("/auth/verify-email/resend", async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    const parsed = Email.safeParse(fields.email ?? "");
    if (!parsed.success) {
      const values = { email: fields.email ?? "" };
      return showCode(
        c,
        returnTo,
        (view) => ({ values, errors: { email: codeErrors(view, fields)?.email ?? "" } }),
        400,
      );
    }
    // After the response, and the same answer for every address: known or not, verified or not, over
    // the limit or not (the service counts it in send-limits before it looks anything up).
    const deps = await verificationDependencies(c);
    const client = await clientInfo(c);
    c.var.defer(() => requestEmailVerificationByAddress(deps, parsed.data, client, returnTo));
    rememberAddressToVerify(c, parsed.data);
    return seeOther(c, verifyEmailLocation(returnTo, "resent=1"));
  });
