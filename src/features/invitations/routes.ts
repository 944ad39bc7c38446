// Invitation routes: a tenant's invitations (create, list, resend, revoke) and answering one (accept, decline).
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { assertSameOrigin } from "../../http/csrf.ts";
import { describe, describeSessionRoute } from "../../http/openapi/describe.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { PASSWORD_PROBLEM_MESSAGES } from "../account/password-policy.ts";
import { authenticate, requireSession } from "../session/middleware.ts";
import { deliverAccessToken, deliverTokens } from "../session/respond.ts";
import { acceptInvitation, acceptWithNewAccount, declineInvitation, type Switched } from "./accept.ts";
import {
  AcceptBody,
  AcceptedResponse,
  CreateInvitationBody,
  DeclineBody,
  DeclineInvitationResponse,
  INVITATION_TOKEN,
  InvitationListResponse,
  InvitationParams,
  InvitationResponse,
  RevokeInvitationResponse,
  SignedInResponse,
  TenantInvitationsParams,
} from "./schemas.ts";
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

const doc = {
  create: describeSessionRoute({
    operationId: "createInvitation",
    tag: "invitations",
    summary: "Invite an address to the tenant with roles (mails the link; replaces a pending invitation)",
    description: "Owners, and members holding a TENANT_INVITE_ROLES role (who grant only roles they hold).",
    params: TenantInvitationsParams,
    body: CreateInvitationBody,
    responses: { 201: InvitationResponse },
    errors: ["tenant_not_found", "forbidden", "unknown_role", "too_many_attempts"],
  }),
  list: describeSessionRoute({
    operationId: "listInvitations",
    tag: "invitations",
    summary: "The tenant's pending invitations (expired ones marked)",
    params: TenantInvitationsParams,
    responses: { 200: InvitationListResponse },
    errors: ["tenant_not_found", "forbidden"],
  }),
  resend: describeSessionRoute({
    operationId: "resendInvitation",
    tag: "invitations",
    summary: "Mail a pending invitation again with a new link and expiry (the old link stops working)",
    params: InvitationParams,
    responses: { 200: InvitationResponse },
    errors: ["tenant_not_found", "invitation_not_found", "forbidden", "too_many_attempts"],
  }),
  revoke: describeSessionRoute({
    operationId: "revokeInvitation",
    tag: "invitations",
    summary: "Revoke a pending invitation: its link stops working at once",
    params: InvitationParams,
    responses: { 200: RevokeInvitationResponse },
    errors: ["tenant_not_found", "invitation_not_found", "forbidden"],
  }),
  accept: describe({
    operationId: "acceptInvitation",
    tag: "invitations",
    summary: "Accept an invitation: signed in, join the tenant; signed out, with a password, create the account",
    auth: "optional",
    body: AcceptBody,
    responses: {
      200: { description: "Joined with the signed-in account.", schema: AcceptedResponse },
      201: { description: "The invited account was created and signed in.", schema: SignedInResponse },
    },
    errors: [
      "invalid_token",
      "invitation_email_mismatch",
      "email_not_verified",
      "sign_in_to_accept",
      "weak_password",
      "account_locked",
      "too_many_attempts",
    ],
  }),
  decline: describe({
    operationId: "declineInvitation",
    tag: "invitations",
    summary: "Decline an invitation (the token alone decides; a session only names who declined)",
    body: DeclineBody,
    responses: { 200: DeclineInvitationResponse },
    errors: ["invalid_token"],
  }),
};

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
  .post("/auth/tenants/:id/invitations", doc.create, requireSession(), async (c) => {
    const tenantId = tenantIdOf(c);
    const body = await readJsonBody(c, CreateInvitationBody);
    const result = await createInvitation(await invitationDependencies(c), {
      tenantId,
      email: body.email,
      roles: body.roles,
      actor: await actorOf(c),
    });
    if (result.kind !== "created") return refuse(c, result);
    return c.json({ invitation: present(result.invitation) }, 201);
  })
  .get("/auth/tenants/:id/invitations", doc.list, requireSession(), async (c) => {
    const tenantId = tenantIdOf(c);
    const result = await listInvitations(await invitationDependencies(c), { tenantId, actor: await actorOf(c) });
    if (result.kind !== "ok") return refuse(c, result);
    c.header("Cache-Control", "no-store");
    return c.json({ invitations: result.invitations.map(present) });
  })
  .post("/auth/tenants/:id/invitations/:invitationId/resend", doc.resend, requireSession(), async (c) => {
    const input = { tenantId: tenantIdOf(c), invitationId: invitationIdOf(c), actor: await actorOf(c) };
    const result = await resendInvitation(await invitationDependencies(c), input);
    if (result.kind !== "resent") return refuse(c, result);
    return c.json({ invitation: present(result.invitation) });
  })
  .delete("/auth/tenants/:id/invitations/:invitationId", doc.revoke, requireSession(), async (c) => {
    const input = { tenantId: tenantIdOf(c), invitationId: invitationIdOf(c), actor: await actorOf(c) };
    const result = await revokeInvitation(await invitationDependencies(c), input);
    if (result.kind !== "revoked") return refuse(c, result);
    return c.json({ status: "revoked" });
  })
  .post("/auth/invitations/accept", doc.accept, async (c) => {
    const body = await readJsonBody(c, AcceptBody);
    const session = await authenticate(c);
    const client = await clientInfo(c);
    if (session) {
      if (body.password !== undefined)
        throw new AppError("invalid_request", { message: "Sign out to create a new account with this invitation." });
      const token = linkTokenOf(body.token);
      const deps = await authDependencies(c);
      const result = await acceptInvitation(deps, {
        inviteRoles: c.var.config.tenantInviteRoles,
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
      inviteRoles: c.var.config.tenantInviteRoles,
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
  .post("/auth/invitations/decline", doc.decline, async (c) => {
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
