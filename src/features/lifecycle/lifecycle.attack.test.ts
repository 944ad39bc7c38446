// Review of issue 14 (user lifecycle), as an attacker: what hard delete and scrub leave behind (and who
// reads it later), an admin's deletion undone by the user, and a deleted user's ways back in.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { invitedToken, tenantWith, verifiedUser } from "../../../test/helpers/invitations.ts";
import { type SignedInUser, signInAdmin } from "../../../test/helpers/lifecycle.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import worker from "../../index.ts";

let ctx: AuthTestContext;
let admin: SignedInUser;
beforeAll(async () => {
  ctx = await setUpAuthTest({ REQUIRE_MFA_ROLES: "PLATFORM_ADMIN" });
  admin = await signInAdmin(ctx);
});

async function runCron() {
  const executionContext = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "*/30 * * * *" }), ctx.worker.env, executionContext);
  await waitOnExecutionContext(executionContext);
}

/** A verified user who accepted an invitation into a tenant (so an accepted invitation names them). */
async function memberByInvitation() {
  const owner = await verifiedUser(ctx, uniqueEmail("owner"));
  const tenant = await tenantWith(ctx, [{ userId: owner.id, roles: ["OWNER"] }], "Secret Project Tenant");
  const user = await verifiedUser(ctx, uniqueEmail("member"));
  const { token } = await invitedToken(ctx, owner.client, tenant.id, user.email, ["STAFF"]);
  expect((await user.client.request("/auth/invitations/accept", { json: { token } })).status).toBe(200);
  return { user, tenant };
}

describe("what a hard delete leaves behind", () => {
  it("keeps no row naming the address, so the next owner of the address inherits no history", async () => {
    const { user, tenant } = await memberByInvitation();
    const deleted = await admin.client.request(`/admin/users/${user.id}?confirm=${user.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await ctx.count("users", "id = $1", [user.id])).toBe(0);
    // The same address signs up again (a recycled mailbox, or another person).
    const successor = await signUpBrowser(ctx, user.email, STRONG_PASSWORD);
    const exported = await successor.request("/auth/account/export");
    expect(exported.status).toBe(200);
    const body = (await exported.json()) as { invitations: { received: Array<{ tenant: string }> } };
    // Review finding (fixed): hardDeleteUser (lifecycle/service.ts) only deletes *pending* invitations to the address
    // (deletePendingInvitationsTo); the accepted one keeps `email`, and export.ts reads received invitations
    // by address, so the new account sees the deleted user's tenant and roles.
    expect(body.invitations.received.map((i) => i.tenant)).not.toContain(tenant.slug);
    expect(await ctx.count("invitations", "email = $1 AND accepted_at IS NOT NULL", [user.email])).toBe(0);
  });
});

describe("what the scrub leaves behind", () => {
  it("removes the address from invitations the user accepted or declined", async () => {
    const { user } = await memberByInvitation();
    const deleteAccount = await user.client.request("/auth/account/delete", { json: { confirm: "DELETE" } });
    expect(deleteAccount.status).toBe(200);
    await ctx.sql("UPDATE users SET deleted_at = now() - interval '31 days' WHERE id = $1", [user.id]);
    await runCron();
    expect(await ctx.count("users", "id = $1 AND scrubbed_at IS NOT NULL", [user.id])).toBe(1);
    // Review finding (fixed): scrubUser (lifecycle/repository.ts) deletes only pending invitations to the address; the
    // accepted invitation still holds the personal address after the retention.
    expect(await ctx.count("invitations", "email = $1", [user.email])).toBe(0);
  });
});

describe("an admin's deletion", () => {
  it("is not undone by the deleted user with a password reset", async () => {
    const email = uniqueEmail("banned");
    await signUpBrowser(ctx, email);
    const [row] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
    const id = row?.id ?? "";
    const deleted = await admin.client.request(`/admin/users/${id}/delete`, { json: { confirm: "DELETE" } });
    expect(deleted.status).toBe(200);
    const forgot = await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });
    expect(forgot.status).toBe(202);
    const mails = (await outboxFor(ctx.worker, email)).filter((m) => m.template === "password_reset");
    const token = mails.length > 0 ? tokenIn(mails.at(-1)?.text ?? null) : null;
    if (token) {
      await ctx.client().request("/auth/password/reset", {
        json: { token, password: "a brand new passphrase for later" },
        origin: null,
      });
    }
    // Review finding (low, fixed): the reset cancels any deletion (verification/reset.ts → cancelUserDeletion), also one
    // an admin made (audited admin.user_deleted), so an admin cannot remove an account the user wants kept.
    expect(await ctx.count("users", "id = $1 AND status = 'DELETED'", [id])).toBe(1);
  });
});

describe("a deleted user's ways back in", () => {
  it("refuses a soft-deleted user's old cookies (refresh, session, export) and password", async () => {
    const email = uniqueEmail("gone");
    const browser = await signUpBrowser(ctx, email);
    const stolen = new Map(browser.cookies);
    expect((await browser.request("/auth/account/delete", { json: { confirm: "DELETE" } })).status).toBe(200);
    const replay = ctx.client();
    for (const [name, value] of stolen) replay.cookies.set(name, value);
    expect((await replay.request("/auth/refresh", { method: "POST" })).status).toBe(401);
    expect((await replay.request("/auth/session")).status).toBe(401);
    expect((await replay.request("/auth/account/export")).status).toBe(401);
    const login = await ctx
      .client()
      .request("/auth/login", { json: { email, password: STRONG_PASSWORD, client: "api" }, origin: null });
    expect(login.status).toBe(401);
  });
});
