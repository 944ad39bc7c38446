// Lifecycle test set-up: users signed in with password + TOTP (platform admins among them), users who own
// tenants, and reading mail links.

import { signedInWithTotp } from "./admin.ts";
import type { AuthTestContext } from "./auth.ts";
import { uniqueEmail } from "./auth.ts";
import type { TestClient } from "./client.ts";
import { outboxFor } from "./outbox.ts";
import { addMemberDirect, insertTenant } from "./tenancy.ts";

export type SignedInUser = { email: string; id: string; client: TestClient };

/** A user with TOTP, signed in again on a new client with password + code (amr mfa, a fresh auth_time). */
export async function signInWithTotp(
  ctx: AuthTestContext,
  email = uniqueEmail("mfa"),
  options: { platformAdmin?: boolean } = {},
): Promise<SignedInUser> {
  const user = await signedInWithTotp(ctx, email, options);
  return { email, id: user.userId, client: user.client };
}

/** A platform admin: signed up, TOTP on, PLATFORM_ADMIN granted with SQL (set-up only), signed in with TOTP. */
export const signInAdmin = (ctx: AuthTestContext): Promise<SignedInUser> =>
  signInWithTotp(ctx, uniqueEmail("admin"), { platformAdmin: true });

/** A tenant (set-up by SQL) where each given user is an active member holding `role`; returns its slug. */
export async function tenantWith(ctx: AuthTestContext, members: Array<{ id: string; role: string }>): Promise<string> {
  const tenant = await insertTenant(ctx, "t");
  for (const member of members)
    await addMemberDirect(ctx, { tenantId: tenant.id, userId: member.id, roles: [member.role] });
  return tenant.slug;
}

/** The newest mail of `template` to `email`. */
export async function lastMail(ctx: AuthTestContext, email: string, template: string) {
  const mails = (await outboxFor(ctx.worker, email)).filter((m) => m.template === template);
  return mails.at(-1);
}
