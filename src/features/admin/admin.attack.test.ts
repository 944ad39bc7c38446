// Review of issue 14 (admin API and console), as an attacker: the last usable platform admin, path
// spellings around the /admin guard, console forms without an Origin, mass assignment and oversize bodies.
import { beforeAll, describe, expect, it } from "vitest";
import { type PlatformAdmin, signedInPlatformAdmin } from "../../../test/helpers/admin.ts";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import { errorOf } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
let admin: PlatformAdmin;
beforeAll(async () => {
  ctx = await setUpAuthTest();
  admin = await signedInPlatformAdmin(ctx);
});

const activeAdmins = (db: AuthTestContext) =>
  db.count(
    "platform_role_grants g JOIN users u ON u.id = g.user_id",
    "g.role_key = 'PLATFORM_ADMIN' AND u.status = 'ACTIVE'",
  );

describe("the last usable platform admin", () => {
  // A database of its own: these scenarios need exactly two PLATFORM_ADMIN grants.
  let alone: AuthTestContext;
  beforeAll(async () => {
    alone = await setUpAuthTest();
  });
  it("refuses an admin removing their own grant when the only other holder is disabled", async () => {
    const first = await signedInPlatformAdmin(alone, "first");
    const second = await signedInPlatformAdmin(alone, "second");
    await alone.sql("DELETE FROM platform_role_grants WHERE user_id NOT IN ($1, $2)", [first.userId, second.userId]);
    const disabled = await first.client.request(`/admin/users/${second.userId}/disable`, { json: {} });
    expect(disabled.status).toBe(200);
    const removal = await first.client.request(`/admin/users/${first.userId}/platform-roles/PLATFORM_ADMIN`, {
      method: "DELETE",
    });
    // Review finding (fixed): removePlatformRole (roles.ts) counts every PLATFORM_ADMIN grant, also those of DISABLED or
    // DELETED users, so this answers 200 and the service is left with no admin who can sign in.
    expect(removal.status).toBe(409);
    expect(await errorOf(removal)).toEqual([409, "last_platform_admin"]);
    expect(await activeAdmins(alone)).toBe(1);
  });

  it("refuses an admin removing their own grant when the only other holder is soft-deleted", async () => {
    const first = await signedInPlatformAdmin(alone, "first");
    const second = await signedInPlatformAdmin(alone, "second");
    await alone.sql("DELETE FROM platform_role_grants WHERE user_id NOT IN ($1, $2)", [first.userId, second.userId]);
    const deleted = await first.client.request(`/admin/users/${second.userId}/delete`, { json: { confirm: "DELETE" } });
    expect(deleted.status).toBe(200);
    const removal = await first.client.request(`/admin/users/${first.userId}/platform-roles/PLATFORM_ADMIN`, {
      method: "DELETE",
    });
    // Review finding (fixed): same cause (roles.ts, the FOR UPDATE over platform_role_grants ignores users.status).
    expect(removal.status).toBe(409);
    expect(await errorOf(removal)).toEqual([409, "last_platform_admin"]);
    expect(await activeAdmins(alone)).toBe(1);
  });

  it("refuses disabling or deleting the last active admin and granting the role to a disabled user, changing nothing", async () => {
    const first = await signedInPlatformAdmin(alone, "first");
    const second = await signedInPlatformAdmin(alone, "second");
    const third = await signedInPlatformAdmin(alone, "third");
    await alone.sql("DELETE FROM platform_role_grants WHERE user_id NOT IN ($1, $2, $3)", [
      first.userId,
      second.userId,
      third.userId,
    ]);
    expect((await first.client.request(`/admin/users/${third.userId}/disable`, { json: {} })).status).toBe(200);
    // Second (active) would be left alone by disabling first: second tries, and the other way round.
    expect((await second.client.request(`/admin/users/${first.userId}/disable`, { json: {} })).status).toBe(200);
    const before = await alone.snapshot();
    const refused = [
      await third.client.request(`/admin/users/${second.userId}/disable`, { json: {} }),
      await second.client.request(`/admin/users/${second.userId}/delete`, {
        json: { confirm: "DELETE" },
      }),
      await second.client.request("/auth/account/delete", { json: { confirm: "DELETE" } }),
      await second.client.request(`/admin/users/${first.userId}/platform-roles`, { json: { role: "PLATFORM_ADMIN" } }),
    ];
    expect(await Promise.all(refused.map(errorOf))).toEqual([
      [401, "unauthenticated"],
      [409, "cannot_delete_self"],
      [409, "last_platform_admin"],
      [409, "user_not_active"],
    ]);
    expect(await alone.snapshot()).toEqual(before);
    expect(await activeAdmins(alone)).toBe(1);
  });

  it("two admins disabling each other at once leave one who can sign in", async () => {
    const first = await signedInPlatformAdmin(alone, "first");
    const second = await signedInPlatformAdmin(alone, "second");
    await alone.sql("DELETE FROM platform_role_grants WHERE user_id NOT IN ($1, $2)", [first.userId, second.userId]);
    const answers = await Promise.all([
      first.client.request(`/admin/users/${second.userId}/disable`, { json: {} }),
      second.client.request(`/admin/users/${first.userId}/disable`, { json: {} }),
    ]);
    const statuses = answers.map((answer) => answer.status).sort();
    // One wins; the other is refused (409 last admin) or finds its own session gone (401).
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    expect(await activeAdmins(alone)).toBe(1);
  });
});

describe("path spellings around the /admin guard", () => {
  it("never answers admin data to a non-admin for case, slash, dot and escape variants", async () => {
    const user = await signUpApi(ctx);
    const variants = [
      "/ADMIN/users",
      "/Admin/users",
      "//admin/users",
      "/admin//users",
      "/admin/%75sers",
      "/%61dmin/users",
      "/auth/../admin/users",
      "/auth/%2e%2e/admin/users",
      "/admin/users/",
      "/admin/users;x",
      "/admin/users%2F",
      "/auth/admin/../../admin/users",
    ];
    for (const path of variants) {
      for (const auth of [{ bearer: user.accessToken }, {}]) {
        const response = await ctx.client().request(path, { ...auth, origin: null });
        const text = await response.text();
        expect([path, text.includes(admin.email)]).toEqual([path, false]);
        expect([path, response.status === 200 && text.includes('"users"')]).toEqual([path, false]);
      }
    }
  });
});

describe("console forms", () => {
  it("refuses a cross-site or Origin-less form POST to the console and disables nobody", async () => {
    const email = uniqueEmail("victim");
    await signUpBrowser(ctx, email);
    const id = await userIdOf(ctx, email);
    const form = { "content-type": "application/x-www-form-urlencoded" };
    for (const origin of ["https://evil.example", null]) {
      const response = await admin.client.request(`/auth/admin/users/${id}/disable`, {
        body: "x=1",
        headers: form,
        origin,
      });
      expect(response.status).toBe(403);
    }
    const sameSite = await admin.client.request(`/auth/admin/users/${id}/platform-roles`, {
      body: "role=PLATFORM_ADMIN",
      headers: { ...form, "sec-fetch-site": "same-site" },
      origin: null,
    });
    expect(sameSite.status).toBe(403);
    expect(await ctx.count("users", "id = $1 AND status = 'ACTIVE'", [id])).toBe(1);
    expect(await ctx.count("platform_role_grants", "user_id = $1", [id])).toBe(0);
  });

  it("refuses console actions to a PLATFORM_ADMIN whose session proved no second factor", async () => {
    const email = uniqueEmail("weak-admin");
    const browser = await signUpBrowser(ctx, email);
    const weakId = await userIdOf(ctx, email);
    await ctx.sql("INSERT INTO platform_role_grants (user_id, role_key) VALUES ($1, 'PLATFORM_ADMIN')", [weakId]);
    // A fresh token that carries the grant (and, without a second factor, mfa_enroll).
    expect((await browser.request("/auth/refresh", { method: "POST" })).status).toBe(200);
    const victim = await signUpApi(ctx);
    const victimId = await userIdOf(ctx, victim.email);
    const response = await browser.request(`/auth/admin/users/${victimId}/disable`, {
      body: "",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect([302, 303, 403]).toContain(response.status);
    expect(response.headers.get("location") ?? "").not.toContain("done=");
    expect(await ctx.count("users", "id = $1 AND status = 'ACTIVE'", [victimId])).toBe(1);
    const api = await browser.request(`/admin/users/${victimId}/disable`, { json: {} });
    expect(api.status).toBe(403);
    expect(await ctx.count("users", "id = $1 AND status = 'ACTIVE'", [victimId])).toBe(1);
  });
});

describe("bodies the admin API refuses, changing nothing", () => {
  it("refuses mass assignment, a tenant role as a platform role, malformed JSON and an oversize body", async () => {
    const target = await signUpApi(ctx);
    const id = await userIdOf(ctx, target.email);
    const grant = (body: string) =>
      admin.client.request(`/admin/users/${id}/platform-roles`, {
        body,
        headers: { "content-type": "application/json" },
      });
    const before = await ctx.snapshot();
    expect(await errorOf(await grant(JSON.stringify({ role: "PLATFORM_ADMIN", userId: admin.userId })))).toEqual([
      400,
      "invalid_request",
    ]);
    expect(await errorOf(await grant(JSON.stringify({ role: "OWNER" })))).toEqual([400, "unknown_role"]);
    expect(await errorOf(await grant(JSON.stringify({ role: ["PLATFORM_ADMIN"] })))).toEqual([400, "invalid_request"]);
    expect((await errorOf(await grant('{"role":"PLATFORM_ADMIN"')))[0]).toBe(400);
    expect(await errorOf(await grant(JSON.stringify({ role: "PLATFORM_ADMIN", pad: "x".repeat(200_000) })))).toEqual([
      413,
      expect.any(String),
    ]);
    const disable = await admin.client.request(`/admin/users/${id}/disable`, {
      json: { reason: "x", status: "ACTIVE", userId: admin.userId },
    });
    expect((await errorOf(disable))[0]).toBe(400);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
