// The admin console pages: who gets in (sign-in, 403 page, step-up with return_to), search with a next
// page, a user's page, and its forms (disable, enable, sessions, reset link, roles, soft and hard delete), Origin-checked.
import { beforeAll, describe, expect, it } from "vitest";
import { type PlatformAdmin, signedInPlatformAdmin } from "../../../test/helpers/admin.ts";
import { type AuthTestContext, setUpAuthTest, signUpApi, signUpBrowser, userIdOf } from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { tenantWith } from "../../../test/helpers/lifecycle.ts";
import { ageAccessCookie } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
let admin: PlatformAdmin;

beforeAll(async () => {
  ctx = await setUpAuthTest();
  admin = await signedInPlatformAdmin(ctx);
});

describe("who may open /auth/admin", () => {
  it("sends a visitor to sign in, shows a non-admin a 403 page, and sends a stale admin to reauthenticate", async () => {
    const visitor = await ctx.client().request("/auth/admin?q=x");
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("location")).toBe(`/auth/sign-in?return_to=${encodeURIComponent("/auth/admin?q=x")}`);

    const user = await signUpBrowser(ctx);
    const forbidden = await readPage(await user.request("/auth/admin"));
    expect([forbidden.status, forbidden.h1]).toEqual([403, "Not allowed"]);
    expect(forbidden.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const post = await submitForm(user, `/auth/admin/users/${admin.userId}/disable`, {});
    expect(post.status).toBe(403);
    expect(await ctx.count("users", "id = $1 AND status = 'ACTIVE'", [admin.userId])).toBe(1);

    const stale = await signedInPlatformAdmin(ctx, "stale");
    await ageAccessCookie(stale.client);
    const path = `/auth/admin/users/${stale.userId}`;
    const step = await stale.client.request(path);
    expect(step.status).toBe(302);
    expect(step.headers.get("location")).toBe(`/auth/reauthenticate?return_to=${encodeURIComponent(path)}`);
    await ageAccessCookie(stale.client, ["pwd"]);
    const noMfa = await submitForm(stale.client, `${path}/sessions/revoke`, {});
    expect(noMfa.status).toBe(303);
    expect(noMfa.headers.get("location")).toBe(`/auth/reauthenticate?return_to=${encodeURIComponent(path)}`);
    expect(await ctx.count("sessions", "user_id = $1 AND revoked_at IS NOT NULL", [stale.userId])).toBe(0);
  });
});

describe("the users list", () => {
  it("searches and links to the next page", async () => {
    const tag = crypto.randomUUID().slice(0, 6);
    for (let i = 0; i < 3; i++) await signUpApi(ctx, `console-${tag}-${i}@example.com`);
    const first = await readPage(await admin.client.request(`/auth/admin?q=${tag}&limit=2`));
    expect(first.status).toBe(200);
    expect(first.h1).toBe("Users");
    expect(first.headers.get("content-security-policy")).toMatch(/script-src 'nonce-[^']+' 'strict-dynamic'/);
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.inlineHandlers).toEqual([]);
    const userLinks = first.links.filter((link) => link.attributes.href?.startsWith("/auth/admin/users/"));
    expect(userLinks).toHaveLength(2);
    const next = first.links.find((link) => link.attributes.rel === "next")?.attributes.href ?? "";
    expect(next).toContain(`q=${tag}`);
    const second = await readPage(await admin.client.request(next.replace("&amp;", "&")));
    expect(second.links.filter((link) => link.attributes.href?.startsWith("/auth/admin/users/"))).toHaveLength(1);
    expect(second.links.find((link) => link.attributes.rel === "next")).toBeUndefined();
    const bad = await readPage(await admin.client.request("/auth/admin?status=GONE"));
    expect(bad.status).toBe(400);
  });
});

describe("a user's page and its forms", () => {
  it("disables and enables, signs sessions out, sends a reset link, grants and removes a role", async () => {
    const target = await signUpApi(ctx);
    const userId = await userIdOf(ctx, target.email);
    const path = `/auth/admin/users/${userId}`;
    const page = await readPage(await admin.client.request(path));
    expect(page.h1).toBe(target.email);
    expect(page.forms.map((form) => form.attributes.action)).toEqual(
      expect.arrayContaining([
        `${path}/disable`,
        `${path}/sessions/revoke`,
        `${path}/password-reset`,
        `${path}/platform-roles`,
      ]),
    );

    const disabled = await submitForm(admin.client, `${path}/disable`, {});
    expect([disabled.status, disabled.headers.get("location")]).toEqual([303, `${path}?done=disabled`]);
    expect((await ctx.client().request("/auth/session", { bearer: target.accessToken })).status).toBe(401);
    const shown = await readPage(await admin.client.request(`${path}?done=disabled`));
    expect(shown.text).toContain("The user is disabled and every session was signed out.");
    expect(shown.forms.map((form) => form.attributes.action)).toContain(`${path}/enable`);

    expect((await submitForm(admin.client, `${path}/enable`, {})).headers.get("location")).toBe(`${path}?done=enabled`);
    expect(await ctx.count("users", "id = $1 AND status = 'ACTIVE'", [userId])).toBe(1);
    expect((await submitForm(admin.client, `${path}/password-reset`, {})).headers.get("location")).toBe(
      `${path}?done=reset`,
    );
    expect(await ctx.count("outbox_messages", "recipient = $1 AND template = 'password_reset'", [target.email])).toBe(
      1,
    );
    expect((await submitForm(admin.client, `${path}/platform-roles`, { role: "PLATFORM_ADMIN" })).status).toBe(303);
    expect(await ctx.count("platform_role_grants", "user_id = $1", [userId])).toBe(1);
    expect((await submitForm(admin.client, `${path}/platform-roles/remove`, { role: "PLATFORM_ADMIN" })).status).toBe(
      303,
    );
    expect(await ctx.count("platform_role_grants", "user_id = $1", [userId])).toBe(0);
    const actions = await ctx.sql<{ action: string }>(
      "SELECT action FROM audit_events WHERE user_id = $1 AND actor_id = $2 ORDER BY id",
      [userId, admin.userId],
    );
    expect(actions.map((row) => row.action)).toEqual([
      "admin.user_disabled",
      "admin.user_enabled",
      "admin.password_reset_sent",
      "admin.platform_role_granted",
      "admin.platform_role_removed",
    ]);
  });

  it("refuses self-disable, tenant roles, a cross-site post and unknown users, changing nothing", async () => {
    const before = await ctx.snapshot();
    const self = await readPage(await submitForm(admin.client, `/auth/admin/users/${admin.userId}/disable`, {}));
    expect([self.status, self.summary]).toEqual([409, ["You cannot disable your own account."]]);
    const tenantRole = await readPage(
      await submitForm(admin.client, `/auth/admin/users/${admin.userId}/platform-roles`, { role: "OWNER" }),
    );
    expect([tenantRole.status, tenantRole.summary]).toEqual([400, ["Choose a platform role from the catalogue."]]);
    const unknownRole = await readPage(
      await submitForm(admin.client, `/auth/admin/users/${admin.userId}/platform-roles/remove`, { role: "NOT_A_ROLE" }),
    );
    expect([unknownRole.status, unknownRole.summary]).toEqual([400, ["Choose a platform role from the catalogue."]]);
    const crossSite = await submitForm(
      admin.client,
      `/auth/admin/users/${admin.userId}/sessions/revoke`,
      {},
      { origin: "https://evil.example" },
    );
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain('data-error-code="csrf_rejected"');
    for (const id of ["0190a0b0-0000-7000-8000-0000000000cc", "nope"]) {
      expect((await admin.client.request(`/auth/admin/users/${id}`)).status).toBe(404);
      expect((await submitForm(admin.client, `/auth/admin/users/${id}/disable`, {})).status).toBe(404);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });
});

describe("deleting a user from the console", () => {
  it("soft-deletes after a typed DELETE: signed out everywhere, audited; a wrong word, self and a last owner change nothing", async () => {
    const target = await signUpApi(ctx);
    const userId = await userIdOf(ctx, target.email);
    const path = `/auth/admin/users/${userId}`;
    const owner = await signUpApi(ctx);
    const ownerId = await userIdOf(ctx, owner.email);
    await tenantWith(ctx, [{ id: ownerId, role: "OWNER" }]);
    const before = await ctx.snapshot();
    const wrong = await readPage(await submitForm(admin.client, `${path}/delete`, { confirm: "delete" }));
    expect([wrong.status, wrong.summary]).toEqual([400, ["Type DELETE to confirm."]]);
    const self = await readPage(
      await submitForm(admin.client, `/auth/admin/users/${admin.userId}/delete`, { confirm: "DELETE" }),
    );
    expect([self.status, self.summary]).toEqual([
      409,
      ["You cannot delete your own account here; use your account page."],
    ]);
    const lastOwner = await readPage(
      await submitForm(admin.client, `/auth/admin/users/${ownerId}/delete`, { confirm: "DELETE" }),
    );
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.summary[0]).toMatch(/^This user is the last owner of the tenant "t-/);
    const crossSite = await submitForm(
      admin.client,
      `${path}/delete`,
      { confirm: "DELETE" },
      { origin: "https://evil.example" },
    );
    expect(crossSite.status).toBe(403);
    expect(await ctx.snapshot()).toEqual(before);

    const page = await readPage(await admin.client.request(path));
    expect(page.forms.map((form) => form.attributes.action)).toEqual(
      expect.arrayContaining([`${path}/delete`, `${path}/hard-delete`]),
    );
    const deleted = await submitForm(admin.client, `${path}/delete`, { confirm: "DELETE" });
    expect([deleted.status, deleted.headers.get("location")]).toEqual([303, `${path}?done=deleted`]);
    expect(await ctx.count("users", "id = $1 AND status = 'DELETED' AND deleted_at IS NOT NULL", [userId])).toBe(1);
    expect(await ctx.count("sessions", "user_id = $1 AND revoked_at IS NULL", [userId])).toBe(0);
    expect((await ctx.client().request("/auth/session", { bearer: target.accessToken })).status).toBe(401);
    expect(
      await ctx.count("audit_events", "action = 'admin.user_deleted' AND user_id = $1 AND actor_id = $2", [
        userId,
        admin.userId,
      ]),
    ).toBe(1);
    const shown = await readPage(await admin.client.request(`${path}?done=deleted`));
    expect(shown.text).toContain("The user is deleted and every session was signed out.");
    expect(shown.forms.map((form) => form.attributes.action)).not.toContain(`${path}/delete`);
  });

  it("deletes permanently only when the address is typed; the audit trail stays without the reference", async () => {
    const target = await signUpApi(ctx);
    const userId = await userIdOf(ctx, target.email);
    const path = `/auth/admin/users/${userId}`;
    const before = await ctx.snapshot();
    for (const typed of ["", "someone@example.com"]) {
      const refused = await readPage(await submitForm(admin.client, `${path}/hard-delete`, { confirm_email: typed }));
      expect([refused.status, refused.summary]).toEqual([400, ["Type the user's email address to confirm."]]);
    }
    const self = await readPage(
      await submitForm(admin.client, `/auth/admin/users/${admin.userId}/hard-delete`, { confirm_email: admin.email }),
    );
    expect(self.status).toBe(409);
    expect(await ctx.snapshot()).toEqual(before);

    const removed = await submitForm(admin.client, `${path}/hard-delete`, {
      confirm_email: target.email.toUpperCase(),
    });
    expect([removed.status, removed.headers.get("location")]).toEqual([303, "/auth/admin?done=hard_deleted"]);
    expect(await ctx.count("users", "id = $1", [userId])).toBe(0);
    expect(await ctx.count("sessions", "user_id = $1", [userId])).toBe(0);
    expect(
      await ctx.count(
        "audit_events",
        "action = 'admin.user_hard_deleted' AND user_id IS NULL AND actor_id = $1 AND metadata->>'deletedUserId' = $2",
        [admin.userId, userId],
      ),
    ).toBe(1);
    expect((await ctx.client().request("/auth/session", { bearer: target.accessToken })).status).toBe(401);
    const list = await readPage(await admin.client.request("/auth/admin?done=hard_deleted"));
    expect([list.status, list.text.includes("The user and everything that belonged to them were removed.")]).toEqual([
      200,
      true,
    ]);
    expect((await admin.client.request(path)).status).toBe(404);
    expect((await submitForm(admin.client, `${path}/hard-delete`, { confirm_email: target.email })).status).toBe(404);
  });
});
