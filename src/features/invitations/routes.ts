// Invitation routes: a tenant's invitations (create, list, resend, revoke) and answering one (accept, decline).
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { assertSameOrigin } from "../../http/csrf.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { normalizeEmail } from "../account/email.ts";
import { normalizePassword, PASSWORD_MAX_LENGTH, PASSWORD_PROBLEM_MESSAGES } from "../account/password-policy.ts";
import { DisplayName } from "../account/schemas.ts";
import { authenticate, requireSession } from "../session/middleware.ts";
import { deliverAccessToken, deliverTokens } from "../session/respond.ts";
import { ROLE_KEY_PATTERN } from "../tenancy/role-catalogue.ts";
import { acceptInvitation, acceptWithNewAccount, declineInvitation, type Switched } from "./accept.ts";
import { INVITATION_TOKEN } from "./schemas.ts";
import {
  type Actor,
  createInvitation,
  type InvitationDeps,
  type InvitationView,
  listInvitations,
  type Refusal,
  resendInvitation,
  revokeInvitation,
} from "./service.ts";

const AnyToken = z.string().max(512);
const Email = z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254));
const Password = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4)
  .transform(normalizePassword);
const MAX_ROLES = 16;

const CreateBody = z.strictObject({
  email: Email,
  roles: z.array(z.string().regex(ROLE_KEY_PATTERN)).min(1).max(MAX_ROLES),
});
const AcceptBody = z.strictObject({
  token: AnyToken,
  password: Password.optional(),
  name: DisplayName.optional(),
  client: z.enum(["browser", "api"]).default("browser"),
});
const DeclineBody = z.strictObject({ token: AnyToken });

export async function invitationDependencies(c: Context<AppEnv>): Promise<InvitationDeps> {
  return { ...(await authDependencies(c)), mail: c.var.config.mail, policy: c.var.config };
}

async function actorOf(c: Context<AppEnv>): Promise<Actor> {
  return { userId: c.var.session.userId, amr: c.var.session.amr, client: await clientInfo(c) };
}

/** The tenant id of the path: not a UUID means no such tenant (the same 404 a non-member gets). */
function tenantIdOf(c: Context<AppEnv>): string {
  const id = z.uuid().safeParse(c.req.param("id"));
  if (!id.success) throw new AppError("tenant_not_found");
  return id.data;
}

function invitationIdOf(c: Context<AppEnv>): string {
  const id = z.uuid().safeParse(c.req.param("invitationId"));
  if (!id.success) throw new AppError("invitation_not_found");
  return id.data;
}

/** A link token in the one accepted shape, else the single invalid_token answer. */
export function linkTokenOf(value: string): string {
  const token = INVITATION_TOKEN.safeParse(value);
  if (!token.success) throw new AppError("invalid_token");
  return token.data;
}

function refuse(c: Context<AppEnv>, refusal: Refusal): never {
  if (refusal.kind === "throttled") return tooManyAttempts(c, refusal.retryAfterSeconds);
  throw new AppError(refusal.kind);
}

const present = (invitation: InvitationView) => ({
  id: invitation.id,
  email: invitation.email,
  roles: invitation.roles,
  expiresAt: invitation.expiresAt.toISOString(),
  status: invitation.status,
  sendCount: invitation.sendCount,
  lastSentAt: invitation.lastSentAt.toISOString(),
});

const tenantOf = (tenantId: string, switched: Switched) => switched.tenant ?? { id: tenantId, slug: null };

export const invitationRoutes = new Hono<AppEnv>()
  .post("/auth/tenants/:id/invitations", requireSession(), async (c) => {
    const tenantId = tenantIdOf(c);
    const body = await readJsonBody(c, CreateBody);
    const result = await createInvitation(await invitationDependencies(c), {
      tenantId,
      email: body.email,
      roles: body.roles,
      actor: await actorOf(c),
    });
    if (result.kind !== "created") return refuse(c, result);
    return c.json({ invitation: present(result.invitation) }, 201);
  })
  .get("/auth/tenants/:id/invitations", requireSession(), async (c) => {
    const tenantId = tenantIdOf(c);
    const result = await listInvitations(await invitationDependencies(c), { tenantId, actor: await actorOf(c) });
    if (result.kind !== "ok") return refuse(c, result);
    c.header("Cache-Control", "no-store");
    return c.json({ invitations: result.invitations.map(present) });
  })
  .post("/auth/tenants/:id/invitations/:invitationId/resend", requireSession(), async (c) => {
    const input = { tenantId: tenantIdOf(c), invitationId: invitationIdOf(c), actor: await actorOf(c) };
    const result = await resendInvitation(await invitationDependencies(c), input);
    if (result.kind !== "resent") return refuse(c, result);
    return c.json({ invitation: present(result.invitation) });
  })
  .delete("/auth/tenants/:id/invitations/:invitationId", requireSession(), async (c) => {
    const input = { tenantId: tenantIdOf(c), invitationId: invitationIdOf(c), actor: await actorOf(c) };
    const result = await revokeInvitation(await invitationDependencies(c), input);
    if (result.kind !== "revoked") return refuse(c, result);
    return c.json({ status: "revoked" });
  })
  .post("/auth/invitations/accept", async (c) => {
    const body = await readJsonBody(c, AcceptBody);
    const session = await authenticate(c);
    const client = await clientInfo(c);
    if (session) {
      if (body.password !== undefined)
        throw new AppError("invalid_request", { message: "Sign out to create a new account with this invitation." });
      const token = linkTokenOf(body.token);
      const deps = await authDependencies(c);
      const result = await acceptInvitation(deps, {
        token,
        userId: session.userId,
        sessionId: session.sessionId,
        client,
      });
      if (result.kind === "invalid_token") throw new AppError("invalid_token");
      if (result.kind === "email_mismatch") throw new AppError("invitation_email_mismatch");
      if (result.kind === "email_not_verified")
        throw new AppError("email_not_verified", { message: "Verify your email address to accept the invitation." });
      const delivered = result.switched.token ? deliverAccessToken(c, result.switched.token, deps.now) : {};
      return c.json({
        status: "accepted",
        tenant: tenantOf(result.tenantId, result.switched),
        roles: result.switched.roles,
        grantedRoles: result.grantedRoles,
        session: delivered,
      });
    }
    if (body.password === undefined) throw new AppError("unauthenticated");
    // Browsers get cookies: the new session must come from an allowed origin (login CSRF).
    if (body.client === "browser") assertSameOrigin(c);
    const token = linkTokenOf(body.token);
    const deps = { ...(await authDependencies(c)), accountSettings: c.var.config };
    const result = await acceptWithNewAccount(deps, {
      token,
      password: body.password,
      name: body.name ?? null,
      client,
    });
    switch (result.kind) {
      case "invalid_token":
        throw new AppError("invalid_token");
      case "account_exists":
        throw new AppError("sign_in_to_accept");
      case "weak_password": {
        const message = PASSWORD_PROBLEM_MESSAGES[result.problem](c.var.config.passwordMinLength);
        throw new AppError("weak_password", { message, fields: [{ path: "password", message }] });
      }
      case "locked":
        throw new AppError("account_locked");
      case "throttled":
        return tooManyAttempts(c, result.retryAfterSeconds);
      case "signed_in":
        return c.json(
          {
            status: "signed_in",
            tenant: tenantOf(result.tenantId, result.switched),
            roles: result.switched.roles,
            grantedRoles: result.grantedRoles,
            session: deliverTokens(c, result.tokens, body.client, deps.now),
          },
          201,
        );
    }
  })
  .post("/auth/invitations/decline", async (c) => {
    const body = await readJsonBody(c, DeclineBody);
    // The token alone decides; a session (for the audit row only) that has expired must not stop a decline.
    const session = await authenticate(c).catch(() => undefined);
    const result = await declineInvitation(await authDependencies(c), {
      token: linkTokenOf(body.token),
      userId: session?.userId ?? null,
      client: await clientInfo(c),
    });
    if (result.kind !== "declined") throw new AppError("invalid_token");
    return c.json({ status: "declined" });
  });
