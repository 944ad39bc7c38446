// /auth/account/security: the page, and the handlers of its authenticator-app, recovery-code, passkey
// and unlink forms.
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { pageSession, returnToOf, signInLocation } from "../page-session.ts";
import { SECURITY_PATH } from "./guard.ts";
import { identityPageRoutes } from "./identity-routes.tsx";
import { passkeyPageRoutes } from "./passkey-routes.tsx";
import { DoneNotice, IdentityOutcome, showSecurity } from "./show.tsx";
import { totpRoutes } from "./totp-routes.tsx";

export const accountSecurityRoutes = new Hono<AppEnv>()
  .get(SECURITY_PATH, async (c) => {
    const session = await pageSession(c);
    if (!session) return c.redirect(signInLocation(c), 302);
    const done = DoneNotice.safeParse(c.req.query("done"));
    const identity = IdentityOutcome.safeParse(c.req.query("identity"));
    return showSecurity(c, session, {
      done: done.success ? done.data : undefined,
      identity: identity.success ? identity.data : undefined,
      returnTo: returnToOf(c.req.query("return_to")),
    });
  })
  .route("/", totpRoutes)
  .route("/", passkeyPageRoutes)
  .route("/", identityPageRoutes);
