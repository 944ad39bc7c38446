// /auth/invitations/*: the mailed link's page (GET shows, never consumes), its accept/decline and
// create-account forms (POST, Origin-checked by readForm) on the same services as the JSON routes.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { normalizePassword, PASSWORD_MAX_LENGTH } from "../../features/account/password-policy.ts";
import { DisplayName } from "../../features/account/schemas.ts";
import {
  acceptInvitation,
  acceptWithNewAccount,
  declineInvitation,
  describeInvitation,
} from "../../features/invitations/accept.ts";
import { INVITATION_TOKEN } from "../../features/invitations/schemas.ts";
import { deliverAccessToken, deliverTokens } from "../../features/session/respond.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import type { FormState } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { pageSession, signInLocation } from "../page-session.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import {
  ANSWER_PATH,
  DeclinedPage,
  InvalidInvitationPage,
  InvitationPage,
  JoinedPage,
  SIGN_UP_PATH,
  type Viewer,
} from "./page.tsx";

const Name = z.union([z.literal("").transform(() => null), DisplayName]).default(null);
const Password = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4)
  .transform(normalizePassword);

function showInvalid(c: Context<AppEnv>) {
  return renderPage(c, { title: ({ t }) => t.invitations.invalidTitle, status: 400 }, (view) => (
    <InvalidInvitationPage view={view} />
  ));
}

/** Who is looking, read from the database (the token's email claims may lag behind a verification). */
async function viewerOf(c: Context<AppEnv>, invitedEmail: string): Promise<Viewer> {
  const session = await pageSession(c);
  if (!session) return { kind: "anonymous" };
  const user = await c.var.db().user.findUnique({
    where: { id: session.userId },
    select: { email: true, emailVerifiedAt: true },
  });
  if (!user) return { kind: "anonymous" };
  if (user.email !== invitedEmail) return { kind: "other", email: user.email };
  return { kind: "addressee", verified: user.emailVerifiedAt !== null };
}

/** The invitation's page for a live token (read only), else the invalid-link page. */
async function showInvitation(
  c: Context<AppEnv>,
  token: string | undefined,
  state: FormState | ((view: View) => FormState) = {},
  status: PageOptions["status"] = 200,
) {
  const parsed = INVITATION_TOKEN.safeParse(token);
  if (!parsed.success) return showInvalid(c);
  const live = await describeInvitation(c.var.db(), {
    token: parsed.data,
    now: new Date(),
    inviteRoles: c.var.config.tenantInviteRoles,
  });
  if (!live) return showInvalid(c);
  const invitation = {
    token: parsed.data,
    email: live.email,
    tenantName: live.tenant_name,
    inviter: live.inviter,
    roles: live.roles,
  };
  const viewer = await viewerOf(c, live.email);
  return renderPage(c, { title: ({ t }) => t.invitations.heading(live.tenant_name), status }, (view) => (
    <InvitationPage
      view={view}
      invitation={invitation}
      viewer={viewer}
      state={typeof state === "function" ? state(view) : state}
      minLength={c.var.config.passwordMinLength}
    />
  ));
}

export const invitationPageRoutes = new Hono<AppEnv>()
  .get("/auth/invitations/accept", (c) => showInvitation(c, c.req.query("token")))
  .post(ANSWER_PATH, async (c) => {
    const fields = await readForm(c);
    const token = INVITATION_TOKEN.safeParse(fields.token);
    if (!token.success) return showInvalid(c);
    const deps = await authDependencies(c);
    const session = await pageSession(c);
    const client = await clientInfo(c);
    if (fields.answer === "decline") {
      const result = await declineInvitation(deps, { token: token.data, userId: session?.userId ?? null, client });
      return result.kind === "declined" ? seeOther(c, "/auth/invitations/declined") : showInvalid(c);
    }
    if (!session) {
      const page = `/auth/invitations/accept?token=${encodeURIComponent(token.data)}`;
      return seeOther(c, `/auth/sign-in?return_to=${encodeURIComponent(page)}`);
    }
    const result = await acceptInvitation(deps, {
      inviteRoles: c.var.config.tenantInviteRoles,
      token: token.data,
      userId: session.userId,
      sessionId: session.sessionId,
      client,
    });
    switch (result.kind) {
      case "accepted":
        if (result.switched.token) deliverAccessToken(c, result.switched.token, deps.now);
        return seeOther(c, "/auth/invitations/joined");
      case "invalid_token":
        return showInvalid(c);
      case "email_mismatch":
      case "email_not_verified":
        // The page itself says why (another account, or an unverified address).
        return showInvitation(c, token.data, {}, 403);
    }
  })
  .post(SIGN_UP_PATH, async (c) => {
    const fields = await readForm(c);
    const token = INVITATION_TOKEN.safeParse(fields.token);
    if (!token.success) return showInvalid(c);
    const values = { name: fields.name ?? "" };
    if (await pageSession(c))
      return showInvitation(c, token.data, ({ t }) => ({ formError: t.invitations.signedInAlready }), 409);
    const name = Name.safeParse(fields.name ?? "");
    const password = Password.safeParse(fields.password ?? "");
    if (!name.success || !password.success) {
      return showInvitation(
        c,
        token.data,
        ({ t }) => ({
          values,
          errors: {
            ...(name.success ? {} : { name: t.invitations.invalidName }),
            ...(password.success
              ? {}
              : {
                  password: fields.password
                    ? t.invitations.passwordProblems.too_long(PASSWORD_MAX_LENGTH)
                    : t.common.required(t.common.password),
                }),
          },
        }),
        400,
      );
    }
    const deps = { ...(await authDependencies(c)), accountSettings: c.var.config };
    const result = await acceptWithNewAccount(deps, {
      inviteRoles: c.var.config.tenantInviteRoles,
      token: token.data,
      password: password.data,
      name: name.data,
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "signed_in":
        deliverTokens(c, result.tokens, "browser", deps.now);
        return seeOther(c, "/auth/invitations/joined");
      case "invalid_token":
        return showInvalid(c);
      case "account_exists":
        return showInvitation(c, token.data, ({ t }) => ({ values, formError: t.invitations.accountExists }), 409);
      case "weak_password": {
        const min = result.problem === "too_long" ? PASSWORD_MAX_LENGTH : c.var.config.passwordMinLength;
        return showInvitation(
          c,
          token.data,
          ({ t }) => {
            const problem = t.invitations.passwordProblems[result.problem];
            return { values, errors: { password: typeof problem === "function" ? problem(min) : problem } };
          },
          400,
        );
      }
      case "throttled":
        c.header("Retry-After", String(result.retryAfterSeconds));
        return showInvitation(
          c,
          token.data,
          ({ t }) => ({ values, formError: t.common.tooManyAttempts(result.retryAfterSeconds) }),
          429,
        );
      case "locked":
        return showInvitation(c, token.data, ({ t }) => ({ values, formError: t.common.accountLocked }), 423);
    }
  })
  .get("/auth/invitations/joined", async (c) => {
    const session = await pageSession(c);
    if (!session) return c.redirect(signInLocation(c), 302);
    const tenant = session.tenant
      ? await c.var.db().tenant.findUnique({ where: { id: session.tenant }, select: { name: true } })
      : null;
    return renderPage(c, { title: ({ t }) => t.invitations.joinedTitle }, (view) => (
      <JoinedPage view={view} tenantName={tenant?.name ?? session.tenantSlug ?? ""} />
    ));
  })
  .get("/auth/invitations/declined", (c) =>
    renderPage(c, { title: ({ t }) => t.invitations.declinedTitle }, (view) => <DeclinedPage view={view} />),
  );
