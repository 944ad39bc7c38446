// The admin's lifecycle routes: soft delete (POST /admin/users/:id/delete) and hard delete (DELETE /admin/users/:id).
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ApiSession,
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { type SignedInUser, signInAdmin, tenantWith } from "../../../test/helpers/lifecycle.ts";
import { errorOf } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
let admin: SignedInUser;
beforeAll(async () => {
  ctx = await setUpAuthTest();
  admin = await signInAdmin(ctx);
});

const softDelete = (client: TestClient, id: string, json: unknown = { confirm: "DELETE" }) =>
  client.request(`/admin/users/${id}/delete`, { json });
const hardDelete = (client: TestClient, id: string, confirm: string | null = id) =>
  client.request(`/admin/users/${id}${confirm === null ? "" : `?confirm=${confirm}`}`, { method: "DELETE" });

async function target(): Promise<{ email: string; id: string; session: ApiSession }> {
  const email = uniqueEmail("target");
  await signUpBrowser(ctx, email);
  const response = await ctx
    .client()
    .request("/auth/login", { json: { email, password: STRONG_PASSWORD, client: "api" }, origin: null });
  const { session } = (await response.json()) as { session: ApiSession };
  return { email, id: await userIdOf(ctx, email), session };
}

describe("POST /admin/users/:id/delete", () => {
  it("soft-deletes the user: sessions dead at the edge, audited with the admin as actor", async () => {
    const user = await target();
    const response = await softDelete(admin.client, user.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expect.objectContaining({ status: "deleted", userId: user.id }));
    expect(await ctx.count("users", "id = $1 AND status = 'DELETED' AND deleted_at IS NOT NULL", [user.id])).toBe(1);
    expect((await ctx.client().request("/auth/session", { bearer: user.session.accessToken })).status).toBe(401);
    expect(
      await ctx.count("audit_events", "action = 'admin.user_deleted' AND user_id = $1 AND actor_id = $2", [
        user.id,
        admin.id,
      ]),
    ).toBe(1);
    // Already deleted: nothing more to do.
    expect(await errorOf(await softDelete(admin.client, user.id))).toEqual([409, "user_not_active"]);
  });

  it("refuses non-admins, bad ids, a missing confirmation, the admin themselves and a last owner, changing nothing", async () => {
    const user = await target();
    const plain = await signUpBrowser(ctx);
    const before = await ctx.snapshot();
    expect(await errorOf(await softDelete(plain, user.id))).toEqual([403, "forbidden"]);
    expect(await errorOf(await softDelete(ctx.client(), user.id))).toEqual([401, "unauthenticated"]);
    expect(await errorOf(await softDelete(admin.client, "not-a-uuid"))).toEqual([404, "user_not_found"]);
    expect(await errorOf(await softDelete(admin.client, crypto.randomUUID()))).toEqual([404, "user_not_found"]);
    expect(await errorOf(await softDelete(admin.client, user.id, { confirm: "delete" }))).toEqual([
      400,
      "confirmation_required",
    ]);
    expect(await errorOf(await softDelete(admin.client, user.id, {}))).toEqual([400, "invalid_request"]);
    expect(await errorOf(await softDelete(admin.client, admin.id))).toEqual([409, "cannot_delete_self"]);
    const crossSite = await admin.client.request(`/admin/users/${user.id}/delete`, {
      json: { confirm: "DELETE" },
      origin: "https://evil.example",
    });
    expect(await errorOf(crossSite)).toEqual([403, "csrf_rejected"]);
    expect(await ctx.snapshot()).toEqual(before);
    expect(await ctx.count("users", "id = $1 AND status = 'ACTIVE'", [user.id])).toBe(1);

    const owner = await target();
    await tenantWith(ctx, [{ id: owner.id, role: "OWNER" }]);
    expect(await errorOf(await softDelete(admin.client, owner.id))).toEqual([409, "last_owner"]);
    expect(await errorOf(await hardDelete(admin.client, owner.id))).toEqual([409, "last_owner"]);
    expect(await ctx.count("users", "id = $1 AND status = 'ACTIVE'", [owner.id])).toBe(1);
  });
});

describe("DELETE /admin/users/:id", () => {
  it("removes the user and everything of theirs; audit rows stay with user_id NULL and the admin as actor", async () => {
    const user = await target();
    const slug = await tenantWith(ctx, [{ id: user.id, role: "STAFF" }]);
    const [subjectRows] = await ctx.sql<{ ids: string[] }>(
      "SELECT array_agg(id) AS ids FROM audit_events WHERE user_id = $1",
      [user.id],
    );
    const response = await hardDelete(admin.client, user.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "hard_deleted", userId: user.id });
    expect(await ctx.count("users", "id = $1", [user.id])).toBe(0);
    for (const table of ["accounts", "sessions", "memberships"]) {
      expect({ table, rows: await ctx.count(table, "user_id = $1", [user.id]) }).toEqual({ table, rows: 0 });
    }
    expect(await ctx.count("tenants", "slug = $1", [slug])).toBe(1);
    // The user's own audit rows are kept, no longer pointing at the removed row.
    const ids = subjectRows?.ids ?? [];
    expect(ids.length).toBeGreaterThan(0);
    expect(await ctx.count("audit_events", "id = ANY($1::uuid[]) AND user_id IS NULL", [ids])).toBe(ids.length);
    const [audit] = await ctx.sql<{ actor_id: string; user_id: string | null; metadata: { deletedUserId: string } }>(
      "SELECT actor_id, user_id, metadata FROM audit_events WHERE action = 'admin.user_hard_deleted' AND metadata->>'deletedUserId' = $1",
      [user.id],
    );
    expect(audit).toEqual({ actor_id: admin.id, user_id: null, metadata: { deletedUserId: user.id } });
    expect((await ctx.client().request("/auth/session", { bearer: user.session.accessToken })).status).toBe(401);
    const refresh = await ctx
      .client()
      .request("/auth/refresh", { json: { refreshToken: user.session.refreshToken }, origin: null });
    expect(refresh.status).toBe(401);
    expect(await errorOf(await hardDelete(admin.client, user.id))).toEqual([404, "user_not_found"]);
  });

  it("hard-deletes an account already soft-deleted, without waiting for the scrub", async () => {
    const user = await target();
    expect((await softDelete(admin.client, user.id)).status).toBe(200);
    expect((await hardDelete(admin.client, user.id)).status).toBe(200);
    expect(await ctx.count("users", "id = $1", [user.id])).toBe(0);
    expect(
      await ctx.count("audit_events", "action = 'admin.user_deleted' AND user_id IS NULL AND actor_id = $1", [
        admin.id,
      ]),
    ).toBeGreaterThan(0);
  });

  it("needs the id repeated as confirmation and refuses the admin themselves, deleting nothing", async () => {
    const user = await target();
    const before = await ctx.snapshot();
    expect(await errorOf(await hardDelete(admin.client, user.id, null))).toEqual([400, "confirmation_required"]);
    expect(await errorOf(await hardDelete(admin.client, user.id, crypto.randomUUID()))).toEqual([
      400,
      "confirmation_required",
    ]);
    expect(await errorOf(await hardDelete(admin.client, admin.id))).toEqual([409, "cannot_delete_self"]);
    expect(await errorOf(await hardDelete(admin.client, "x"))).toEqual([404, "user_not_found"]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
