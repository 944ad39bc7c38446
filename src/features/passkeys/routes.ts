// Passkey routes: registration (signed in, recent sign-in), usernameless sign-in, list, rename, remove.
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { assertSameOrigin } from "../../http/csrf.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { requireSecondFactorWhenEnabled } from "../mfa/middleware.ts";
import { requireRecentAuthentication, requireSession } from "../session/middleware.ts";
import { deliverTokens } from "../session/respond.ts";
import { type PasskeyDeps, usernamelessAssertionOptions } from "./assertion.ts";
import { PasskeyAssertion, PasskeyCredential, PasskeyName } from "./schemas.ts";
import {
  listPasskeys,
  registerPasskey,
  registrationOptions,
  removePasskey,
  renamePasskey,
  signInWithPasskey,
} from "./service.ts";

const name = PasskeyName;
const RegisterBody = z.strictObject({ response: PasskeyCredential, name: name.default("Passkey") });
const SignInBody = z.strictObject({
  response: PasskeyAssertion,
  client: z.enum(["browser", "api"]).default("browser"),
});
const RenameBody = z.strictObject({ name });
const PasskeyId = z.uuid();

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
    requireSession(),
    requireRecentAuthentication(),
    requireSecondFactorWhenEnabled(),
    async (c) => {
      const deps = await passkeyDependencies(c);
      c.header("Cache-Control", "no-store");
      return c.json(
        await registrationOptions(deps, { id: c.var.session.userId, email: c.var.session.email }, await clientInfo(c)),
      );
    },
  )
  .post(
    "/auth/passkeys/register",
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
  .post("/auth/passkeys/login/options", async (c) => {
    const result = await usernamelessAssertionOptions(await passkeyDependencies(c), await clientInfo(c));
    if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
    c.header("Cache-Control", "no-store");
    return c.json(result.options);
  })
  .post("/auth/passkeys/login", async (c) => {
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
  .get("/auth/passkeys", requireSession(), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ passkeys: await listPasskeys(await authDependencies(c), c.var.session.userId) });
  })
  .patch("/auth/passkeys/:id", requireSession(), async (c) => {
    const id = passkeyIdParam(c);
    const body = await readJsonBody(c, RenameBody);
    if (!(await renamePasskey(await authDependencies(c), c.var.session.userId, id, body.name)))
      throw new AppError("passkey_not_found");
    return c.json({ status: "renamed" });
  })
  .delete(
    "/auth/passkeys/:id",
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
