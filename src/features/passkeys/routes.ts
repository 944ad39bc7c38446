// Passkey routes: registration (signed in, recent sign-in), usernameless sign-in, list, rename, remove.

import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { assertSameOrigin } from "../../http/csrf.ts";
import { describe, describeSessionRoute } from "../../http/openapi/describe.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { SignedInResponse } from "../account/schemas.ts";
import { requireSecondFactorWhenEnabled } from "../mfa/middleware.ts";
import { requireRecentAuthentication, requireSession } from "../session/middleware.ts";
import { deliverTokens } from "../session/respond.ts";
import { type PasskeyDeps, usernamelessAssertionOptions } from "./assertion.ts";
import { answerOptions } from "./respond.ts";
import {
  PasskeyCreationOptions,
  PasskeyId,
  PasskeyIdParams,
  PasskeyListResponse,
  PasskeyRegisteredResponse,
  PasskeyRenamedResponse,
  PasskeyRequestOptions,
  RegisterBody,
  RenameBody,
  SignInBody,
} from "./schemas.ts";
import {
  listPasskeys,
  registerPasskey,
  registrationOptions,
  removePasskey,
  renamePasskey,
  signInWithPasskey,
} from "./service.ts";

const STEP_UP = ["reauthentication_required", "second_factor_required"] as const;

const doc = {
  registerOptions: describeSessionRoute({
    operationId: "getPasskeyRegistrationOptions",
    tag: "passkeys",
    summary: "WebAuthn options to create a passkey (a recent sign-in, and the second factor when it is on)",
    responses: { 200: PasskeyCreationOptions },
    errors: [...STEP_UP, "too_many_attempts"],
  }),
  register: describeSessionRoute({
    operationId: "registerPasskey",
    tag: "passkeys",
    summary: "Register the passkey the browser created from the options",
    body: RegisterBody,
    responses: { 201: PasskeyRegisteredResponse },
    errors: ["passkey_rejected", ...STEP_UP],
  }),
  loginOptions: describe({
    operationId: "getPasskeySignInOptions",
    tag: "passkeys",
    summary: "WebAuthn options for a usernameless passkey sign-in",
    responses: { 200: PasskeyRequestOptions },
    errors: ["too_many_attempts"],
  }),
  login: describe({
    operationId: "signInWithPasskey",
    tag: "passkeys",
    summary: "Sign in with the passkey assertion the browser made from the options",
    body: SignInBody,
    responses: { 200: SignedInResponse },
    errors: ["passkey_rejected", "account_disabled"],
  }),
  list: describeSessionRoute({
    operationId: "listPasskeys",
    tag: "passkeys",
    summary: "The user's passkeys",
    responses: { 200: PasskeyListResponse },
  }),
  rename: describeSessionRoute({
    operationId: "renamePasskey",
    tag: "passkeys",
    summary: "Rename one of the user's passkeys",
    params: PasskeyIdParams,
    body: RenameBody,
    responses: { 200: PasskeyRenamedResponse },
    errors: ["passkey_not_found"],
  }),
  remove: describeSessionRoute({
    operationId: "removePasskey",
    tag: "passkeys",
    summary: "Remove one of the user's passkeys, unless it is the last way to sign in",
    params: PasskeyIdParams,
    responses: { 204: { description: "Removed; no body." } },
    errors: ["invalid_request", "passkey_not_found", "last_sign_in_method", ...STEP_UP],
  }),
};

async function passkeyDependencies(c: Context<AppEnv>): Promise<PasskeyDeps> {
  return { ...(await authDependencies(c)), webauthn: c.var.config.webauthn };
}

function passkeyIdParam(c: Context<AppEnv>): string {
  const parsed = PasskeyId.safeParse(c.req.param("id"));
  if (!parsed.success)
    throw new AppError("invalid_request", { fields: [{ path: "id", message: "must be a passkey id" }] });
  return parsed.data;
}

export const passkeyRoutes = new Hono<AppEnv>()
  .post(
    "/auth/passkeys/register/options",
    doc.registerOptions,
    requireSession(),
    requireRecentAuthentication(),
    requireSecondFactorWhenEnabled(),
    async (c) => {
      const deps = await passkeyDependencies(c);
      const result = await registrationOptions(
        deps,
        { id: c.var.session.userId, email: c.var.session.email },
        await clientInfo(c),
      );
      return answerOptions(c, result);
    },
  )
  .post(
    "/auth/passkeys/register",
    doc.register,
    requireSession(),
    requireRecentAuthentication(),
    requireSecondFactorWhenEnabled(),
    async (c) => {
      const body = await readJsonBody(c, RegisterBody);
      const result = await registerPasskey(await passkeyDependencies(c), {
        userId: c.var.session.userId,
        response: body.response as unknown as RegistrationResponseJSON,
        name: body.name,
        client: await clientInfo(c),
      });
      if (!result) throw new AppError("passkey_rejected");
      return c.json({ status: "registered", id: result.id }, 201);
    },
  )
  .post("/auth/passkeys/login/options", doc.loginOptions, async (c) => {
    const result = await usernamelessAssertionOptions(await passkeyDependencies(c), await clientInfo(c));
    if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
    c.header("Cache-Control", "no-store");
    return c.json(result.options);
  })
  .post("/auth/passkeys/login", doc.login, async (c) => {
    const body = await readJsonBody(c, SignInBody);
    if (body.client === "browser") assertSameOrigin(c);
    const deps = await passkeyDependencies(c);
    const result = await signInWithPasskey(deps, {
      response: body.response,
      client: await clientInfo(c),
    });
    if (result.kind === "rejected") throw new AppError("passkey_rejected");
    if (result.kind === "disabled") throw new AppError("account_disabled");
    return c.json({ status: "signed_in", session: deliverTokens(c, result.tokens, body.client, deps.now) });
  })
  .get("/auth/passkeys", doc.list, requireSession(), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ passkeys: await listPasskeys(await authDependencies(c), c.var.session.userId) });
  })
  .patch("/auth/passkeys/:id", doc.rename, requireSession(), async (c) => {
    const id = passkeyIdParam(c);
    const body = await readJsonBody(c, RenameBody);
    if (!(await renamePasskey(await authDependencies(c), c.var.session.userId, id, body.name)))
      throw new AppError("passkey_not_found");
    return c.json({ status: "renamed" });
  })
  .delete(
    "/auth/passkeys/:id",
    doc.remove,
    requireSession(),
    requireRecentAuthentication(),
    requireSecondFactorWhenEnabled(),
    async (c) => {
      const id = passkeyIdParam(c);
      const outcome = await removePasskey(await passkeyDependencies(c), c.var.session.userId, id, await clientInfo(c));
      if (outcome === "not_found") throw new AppError("passkey_not_found");
      if (outcome === "last_method") throw new AppError("last_sign_in_method");
      return c.body(null, 204);
    },
  );
