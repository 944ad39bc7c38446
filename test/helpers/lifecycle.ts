// Lifecycle test set-up: a signed-in platform admin (password + TOTP), users who own tenants, and reading mail links.
import { expect } from "vitest";
import { type AuthTestContext, STRONG_PASSWORD, signUpBrowser, uniqueEmail } from "./auth.ts";
import type { TestClient } from "./client.ts";
import { outboxFor } from "./outbox.ts";
import { codeAt, enrollTotp } from "./second-factors.ts";

export type SignedInUser = { email: string; id: string; client: TestClient };

/** The id of the user with this email. */
export async function userIdOf(ctx: AuthTestContext, email: string): Promise<string> {
  const [row] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
  if (!row) throw new Error("no such user");
  return row.id;
}

/** A user with TOTP, signed in again on a new client with password + code (amr mfa, a fresh auth_time). */
export async function signInWithTotp(ctx: AuthTestContext, email = uniqueEmail("mfa")): Promise<SignedInUser> {
  const enrolling = await signUpBrowser(ctx, email);
  const { secret } = await enrollTotp(enrolling);
  const client = ctx.client();
  const step = await client.request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
  const { challenge } = (await step.json()) as { challenge: string };
  const verified = await client.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret, 0) } });
  expect(verified.status).toBe(200);
  return { email, id: await userIdOf(ctx, email), client };
}

/** A platform admin: signed up, TOTP on, PLATFORM_ADMIN granted with SQL (set-up only), signed in with TOTP. */
export async function signInAdmin(ctx: AuthTestContext): Promise<SignedInUser> {
  const email = uniqueEmail("admin");
  const enrolling = await signUpBrowser(ctx, email);
  const { secret } = await enrollTotp(enrolling);
  const id = await userIdOf(ctx, email);
  await ctx.sql("INSERT INTO platform_role_grants (user_id, role_key) VALUES ($1, 'PLATFORM_ADMIN')", [id]);
  const client = ctx.client();
  const step = await client.request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
  const { challenge } = (await step.json()) as { challenge: string };
  const verified = await client.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret, 0) } });
  expect(verified.status).toBe(200);
  return { email, id, client };
}

/** A tenant (set-up by SQL) where each given user is an active member holding `role`; returns its slug. */
export async function tenantWith(ctx: AuthTestContext, members: Array<{ id: string; role: string }>): Promise<string> {
  const slug = `t-${crypto.randomUUID().slice(0, 8)}`;
  const [tenant] = await ctx.sql<{ id: string }>(
    "INSERT INTO tenants (id, slug, name, updated_at) VALUES (gen_random_uuid(), $1, $1, now()) RETURNING id",
    [slug],
  );
  for (const member of members) {
    await ctx.sql(
      `WITH m AS (INSERT INTO memberships (id, tenant_id, user_id, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id)
       INSERT INTO membership_roles (membership_id, role_key) SELECT id, $3 FROM m`,
      [tenant?.id, member.id, member.role],
    );
  }
  return slug;
}

/** The newest mail of `template` to `email`. */
export async function lastMail(ctx: AuthTestContext, email: string, template: string) {
  const mails = (await outboxFor(ctx.worker, email)).filter((m) => m.template === template);
  return mails.at(-1);
}
