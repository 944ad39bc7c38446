// Unlinking a provider account from the security page: the same unlinkIdentity service and mail as
// DELETE /auth/identities/:id, behind the step-up the page asks for before removing a passkey.
import { Hono } from "hono";
import { z } from "zod";
import { deferIdentityNotice, unlinkIdentity } from "../../features/identities/linking.ts";
import { findOAuthProvider } from "../../features/identities/social/index.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readForm } from "../form-body.ts";
import { seeOther } from "../render.tsx";
import { postSession, SECURITY_PATH } from "./guard.ts";
import { showSecurity } from "./show.tsx";

const IdentityId = z.uuid();

export const identityPageRoutes = new Hono<AppEnv>().post(`${SECURITY_PATH}/identities/:id/unlink`, async (c) => {
  await readForm(c);
  const checked = await postSession(c, "recent+second_factor");
  if ("redirect" in checked) return checked.redirect;
  const { session } = checked;
  const id = IdentityId.safeParse(c.req.param("id"));
  const deps = await authDependencies(c);
  const result = id.success
    ? await unlinkIdentity(deps, { userId: session.userId, identityId: id.data, client: await clientInfo(c) })
    : ({ kind: "not_found" } as const);
  if (result.kind === "not_found") {
    return showSecurity(c, session, {
      state: ({ t }) => ({ formError: t.identities.security.notFound }),
      status: 404,
    });
  }
  if (result.kind === "last_method") {
    return showSecurity(c, session, {
      state: ({ t }) => ({ formError: t.identities.security.lastSignInMethod }),
      status: 409,
    });
  }
  // The address on file now, as the API mails it (the access token's copy may predate a change).
  const owner = await deps.db.user.findUnique({ where: { id: session.userId }, select: { email: true } });
  if (owner) {
    await deferIdentityNotice(deps, c.var.config.mail, {
      email: owner.email,
      change: "unlinked",
      provider: findOAuthProvider(c.var.config.oauthProviders, result.providerId)?.displayName ?? result.providerId,
    });
  }
  return seeOther(c, `${SECURITY_PATH}?done=identity_unlinked`);
});
