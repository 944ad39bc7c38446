// Invitation flow helpers: a tenant with an owner (rows set up with SQL), verified users, and the
// invitation's link token as the outbox delivered it.
import { expect } from "vitest";
import { type AuthTestContext, signUpBrowser, uniqueEmail } from "./auth.ts";
import type { TestClient } from "./client.ts";
import { outboxFor, tokenIn } from "./outbox.ts";

/** A signed-in browser user whose address is verified (set with SQL: the verification flow has its own tests). */
export async function verifiedUser(ctx: AuthTestContext, email = uniqueEmail("member")) {
  const client = await signUpBrowser(ctx, email);
  const [user] = await ctx.sql<{ id: string }>(
    "UPDATE users SET email_verified_at = now() WHERE email = $1 RETURNING id",
    [email],
  );
  // A fresh sign-in so the session's token says the address is verified.
  const fresh = ctx.client();
  const login = await fresh.request("/auth/login", { json: { email, password: "correct horse battery staple 42" } });
  expect(login.status).toBe(200);
  return { email, id: user?.id ?? "", client: fresh, unverifiedClient: client };
}

/** A tenant whose members are `members` with their roles. */
export async function tenantWith(
  ctx: AuthTestContext,
  members: Array<{ userId: string; roles: string[] }>,
  name = "Acme Partners",
): Promise<{ id: string; slug: string; name: string }> {
  const slug = `t-${crypto.randomUUID().slice(0, 12)}`;
  const [tenant] = await ctx.sql<{ id: string }>(
    "INSERT INTO tenants (id, slug, name, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id",
    [slug, name],
  );
  const id = tenant?.id ?? "";
  for (const member of members) await addMember(ctx, id, member.userId, member.roles);
  return { id, slug, name };
}

export async function addMember(ctx: AuthTestContext, tenantId: string, userId: string, roles: string[]) {
  const [membership] = await ctx.sql<{ id: string }>(
    "INSERT INTO memberships (id, tenant_id, user_id, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id",
    [tenantId, userId],
  );
  for (const role of roles)
    await ctx.sql("INSERT INTO membership_roles (membership_id, role_key) VALUES ($1, $2)", [membership?.id, role]);
}

/** POST /auth/tenants/:id/invitations as `client`. */
export const invite = (client: TestClient, tenantId: string, email: string, roles: string[] = ["STAFF"]) =>
  client.request(`/auth/tenants/${tenantId}/invitations`, { json: { email, roles } });

/** The token of the newest invitation mail to `email` (the outbox lists the newest first). */
export async function invitationTokenFor(ctx: AuthTestContext, email: string): Promise<string> {
  const mails = (await outboxFor(ctx.worker, email)).filter((mail) => mail.template === "invitation");
  const token = tokenIn(mails[0]?.text ?? null);
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return token;
}

/** Invites `email` and returns the mailed token and the invitation's id. */
export async function invitedToken(
  ctx: AuthTestContext,
  owner: TestClient,
  tenantId: string,
  email: string,
  roles: string[] = ["STAFF"],
) {
  const response = await invite(owner, tenantId, email, roles);
  expect(response.status).toBe(201);
  const { invitation } = (await response.json()) as { invitation: { id: string } };
  return { id: invitation.id, token: await invitationTokenFor(ctx, email) };
}
