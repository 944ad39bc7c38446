// Account routes: sign up, sign in, change password, and the user's sign-in history (the profile is features/profile).
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { accountDependencies, authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { assertSameOrigin } from "../../http/csrf.ts";
import { describe, describeSessionRoute } from "../../http/openapi/describe.ts";
import { safeReturnTo } from "../../http/return-to.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { listLoginHistory, presentLoginHistoryEntry } from "../history/repository.ts";
import { ActivityResponse, HistoryQuery, nextHistoryCursor } from "../history/schemas.ts";
import { requireSession } from "../session/middleware.ts";
import { type ClientKind, deliverTokens } from "../session/respond.ts";
import { logIn } from "./log-in.ts";
import { deferNewDeviceNotice } from "./notices.ts";
import { PASSWORD_PROBLEM_MESSAGES, type PasswordProblem } from "./password-policy.ts";
import {
  ChangePasswordBody,
  ChangePasswordResponse,
  LogInBody,
  LogInResponse,
  SignedInResponse,
  SignUpBody,
  VerificationRequiredResponse,
} from "./schemas.ts";
import { changePassword, signUp } from "./service.ts";
import { sendSignUpMail } from "./sign-up-mail.ts";

const doc = {
  signUp: describe({
    operationId: "signUp",
    tag: "account",
    summary: "Create an account with an email address and a password",
    description:
      "Answers the same for a new and a taken address (202 when the address must be verified first; mail follows either way).",
    body: SignUpBody,
    responses: { 201: SignedInResponse, 202: VerificationRequiredResponse },
    errors: ["weak_password", "too_many_attempts", "account_locked"],
  }),
  logIn: describe({
    operationId: "logIn",
    tag: "account",
    summary: "Sign in with an email address and a password (or get the second-factor challenge)",
    body: LogInBody,
    responses: { 200: LogInResponse },
    errors: ["invalid_credentials", "account_disabled", "email_not_verified", "too_many_attempts", "account_locked"],
  }),
  changePassword: describeSessionRoute({
    operationId: "changePassword",
    tag: "account",
    summary: "Change the password (the current one is required); ends the user's other sessions",
    body: ChangePasswordBody,
    responses: { 200: ChangePasswordResponse },
    errors: ["invalid_credentials", "weak_password", "too_many_attempts", "account_locked"],
  }),
  activity: describeSessionRoute({
    operationId: "listActivity",
    tag: "account",
    summary: "The user's sign-in attempts, newest first, a page at a time",
    query: HistoryQuery,
    responses: { 200: ActivityResponse },
    errors: ["invalid_request"],
  }),
};

function refuse(
  c: Context<AppEnv>,
  refusal: { kind: "locked" } | { kind: "throttled"; retryAfterSeconds: number },
): never {
  if (refusal.kind === "locked") throw new AppError("account_locked");
  return tooManyAttempts(c, refusal.retryAfterSeconds);
}

function weakPassword(c: Context<AppEnv>, problem: PasswordProblem): never {
  const message = PASSWORD_PROBLEM_MESSAGES[problem](c.var.config.passwordMinLength);
  throw new AppError("weak_password", { message, fields: [{ path: "password", message }] });
}

/** Browsers get cookies, so their sign-in must come from an allowed origin (login CSRF). */
function guardBrowser(c: Context<AppEnv>, kind: ClientKind): void {
  if (kind === "browser") assertSameOrigin(c);
}

export const accountRoutes = new Hono<AppEnv>()
  .post("/auth/signup", doc.signUp, async (c) => {
    const body = await readJsonBody(c, SignUpBody);
    guardBrowser(c, body.client);
    const deps = await accountDependencies(c);
    const client = await clientInfo(c);
    const result = await signUp(deps, { email: body.email, password: body.password, name: body.name ?? null, client });
    if (result.kind === "weak_password") return weakPassword(c, result.problem);
    if (result.kind === "throttled" || result.kind === "locked") return refuse(c, result);
    // After the response, for a new and a taken address alike: the answer and its timing stay the same.
    c.var.defer(() => sendSignUpMail(deps, c.var.config, { email: body.email, newUserId: result.newUserId, client }));
    if (result.kind === "verification_required") {
      return c.json({ status: "verification_required", message: "Check your inbox to finish signing up." }, 202);
    }
    return c.json({ status: "signed_in", session: deliverTokens(c, result.tokens, body.client, deps.now) }, 201);
  })
  .post("/auth/login", doc.logIn, async (c) => {
    const body = await readJsonBody(c, LogInBody);
    guardBrowser(c, body.client);
    const deps = await accountDependencies(c);
    const result = await logIn(deps, { email: body.email, password: body.password, client: await clientInfo(c) });
    switch (result.kind) {
      case "signed_in":
        deferNewDeviceNotice(c, deps, result);
        return c.json({
          status: "signed_in",
          session: deliverTokens(c, result.tokens, body.client, deps.now),
          // Where the sign-in page should send the browser next: validated, never an open redirect.
          redirectTo: safeReturnTo(body.returnTo),
        });
      case "throttled":
      case "locked":
        return refuse(c, result);
      case "disabled":
        throw new AppError("account_disabled");
      case "email_not_verified":
        throw new AppError("email_not_verified");
      case "mfa_required":
        // No session yet: the client answers with a second factor at POST /auth/mfa/verify.
        c.header("Cache-Control", "no-store");
        return c.json({ status: "mfa_required", challenge: result.challenge, methods: result.methods });
      case "invalid_credentials":
        throw new AppError("invalid_credentials");
    }
  })
  .post("/auth/password/change", doc.changePassword, requireSession(), async (c) => {
    const body = await readJsonBody(c, ChangePasswordBody);
    const deps = await accountDependencies(c);
    const result = await changePassword(deps, {
      userId: c.var.session.userId,
      sessionId: c.var.session.sessionId,
      currentPassword: body.current,
      newPassword: body.new,
      client: await clientInfo(c),
    });
    if (result.kind === "invalid_credentials")
      throw new AppError("invalid_credentials", { message: "The current password is incorrect." });
    if (result.kind === "weak_password") return weakPassword(c, result.problem);
    if (result.kind === "throttled" || result.kind === "locked") return refuse(c, result);
    return c.json({ status: "changed", revokedSessions: result.revokedSessions });
  })
  .get("/auth/activity", doc.activity, requireSession(), async (c) => {
    const query = HistoryQuery.safeParse(c.req.query());
    if (!query.success)
      throw new AppError("invalid_request", {
        fields: query.error.issues.map((issue) => ({ path: issue.path.join(".") || "query", message: issue.message })),
      });
    const deps = await authDependencies(c);
    const { limit, before } = query.data;
    const entries = await listLoginHistory(deps.db, c.var.session.userId, { limit, before, now: deps.now });
    c.header("Cache-Control", "no-store");
    return c.json({ activity: entries.map(presentLoginHistoryEntry), nextCursor: nextHistoryCursor(entries, limit) });
  });
