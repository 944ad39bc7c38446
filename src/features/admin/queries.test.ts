// Admin reads: user search (email and name, status filter, LIKE wildcards literal), cursor pages,
// tenants and their members, and the audit query's filters — with bad query parameters refused.
import { beforeAll, describe, expect, it } from "vitest";
import { type PlatformAdmin, signedInPlatformAdmin } from "../../../test/helpers/admin.ts";
import { type AuthTestContext, setUpAuthTest, signUpApi, userIdOf } from "../../../test/helpers/auth.ts";
import { errorOf, json } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
let admin: PlatformAdmin;

beforeAll(async () => {
  ctx = await setUpAuthTest();
  admin = await signedInPlatformAdmin(ctx);
});

const adminGet = (path: string) => ctx.client().request(path, { bearer: admin.accessToken });
type UserPage = { users: Array<{ id: string; email: string; status: string }>; nextCursor: string | null };

describe("GET /admin/users", () => {
  it("finds users by email substring and by name, filters by status, and pages with a cursor", async () => {
    const tag = crypto.randomUUID().slice(0, 6);
    const emails = [];
    for (let i = 0; i < 5; i++) emails.push((await signUpApi(ctx, `findme-${tag}-${i}@example.com`)).email);
    await ctx.sql("UPDATE users SET name = $1 WHERE email = $2", [`Ada ${tag}`, emails[0]]);
    await ctx.sql("UPDATE users SET status = 'DISABLED' WHERE email = $1", [emails[1]]);

    const all = await json<UserPage>(await adminGet(`/admin/users?q=${tag.toUpperCase()}`));
    expect(all.users.map((user) => user.email)).toEqual([...emails].reverse());
    const byName = await json<UserPage>(await adminGet(`/admin/users?q=${encodeURIComponent(`ada ${tag}`)}`));
    expect(byName.users.map((user) => user.email)).toEqual([emails[0]]);
    const disabled = await json<UserPage>(await adminGet(`/admin/users?q=${tag}&status=DISABLED`));
    expect(disabled.users.map((user) => user.email)).toEqual([emails[1]]);

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const next: UserPage = await json<UserPage>(
        await adminGet(`/admin/users?q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ""}`),
      );
      expect(next.users.length).toBeLessThanOrEqual(2);
      seen.push(...next.users.map((user) => user.email));
      cursor = next.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...emails].reverse());
  });

  it("matches % and _ literally", async () => {
    const tag = crypto.randomUUID().slice(0, 6);
    await signUpApi(ctx, `under_${tag}@example.com`);
    await signUpApi(ctx, `underx${tag}@example.com`);
    const page = await json<UserPage>(await adminGet(`/admin/users?q=${encodeURIComponent(`under_${tag}`)}`));
    expect(page.users.map((user) => user.email)).toEqual([`under_${tag}@example.com`]);
    const percent = await json<UserPage>(await adminGet(`/admin/users?q=${encodeURIComponent(`%${tag}`)}`));
    expect(percent.users).toEqual([]);
  });

  it("refuses bad query parameters with 400 invalid_request", async () => {
    for (const query of [
      "limit=0",
      "limit=101",
      "limit=two",
      "status=GONE",
      "cursor=abc",
      `cursor=${"A".repeat(80)}`,
      "extra=1",
      `q=${"x".repeat(300)}`,
    ]) {
      expect([query, ...(await errorOf(await adminGet(`/admin/users?${query}`)))]).toEqual([
        query,
        400,
        "invalid_request",
      ]);
    }
  });
});

describe("GET /admin/tenants and /admin/tenants/:id/members", () => {
  it("lists tenants with member counts and shows a tenant's members with their roles", async () => {
    const member = await signUpApi(ctx);
    const memberId = await userIdOf(ctx, member.email);
    const [tenant] = await ctx.sql<{ id: string }>(
      "INSERT INTO tenants (id, slug, name, updated_at) VALUES (gen_random_uuid(), 'acme-admin', 'Acme', now()) RETURNING id",
    );
    const [membership] = await ctx.sql<{ id: string }>(
      "INSERT INTO memberships (id, tenant_id, user_id, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id",
      [tenant?.id, memberId],
    );
    await ctx.sql("INSERT INTO membership_roles (membership_id, role_key) VALUES ($1, 'STAFF')", [membership?.id]);

    const list = await json<{ tenants: Array<{ slug: string; members: number }> }>(
      await adminGet("/admin/tenants?q=ACME"),
    );
    expect(list.tenants).toEqual([expect.objectContaining({ slug: "acme-admin", name: "Acme", members: 1 })]);
    const members = await json<{ members: Array<{ user: { email: string }; roles: string[] }> }>(
      await adminGet(`/admin/tenants/${tenant?.id}/members`),
    );
    expect(members.members.map((m) => [m.user.email, m.roles])).toEqual([[member.email, ["STAFF"]]]);
    const detail = await json<{ memberships: unknown[] }>(await adminGet(`/admin/users/${memberId}`));
    expect(detail.memberships).toEqual([
      { tenant: { id: tenant?.id, slug: "acme-admin", name: "Acme" }, status: "ACTIVE", roles: ["STAFF"] },
    ]);
    expect(await errorOf(await adminGet("/admin/tenants/0190a0b0-0000-7000-8000-0000000000dd/members"))).toEqual([
      404,
      "tenant_not_found",
    ]);
    expect(await errorOf(await adminGet("/admin/tenants/nope/members"))).toEqual([400, "invalid_request"]);
    expect(await errorOf(await adminGet("/admin/tenants?limit=1000"))).toEqual([400, "invalid_request"]);
  });
});

describe("GET /admin/audit", () => {
  type AuditPage = {
    events: Array<{ action: string; userId: string; actorId: string | null; createdAt: string }>;
    nextCursor: string | null;
  };

  it("filters by user, action and time, newest first, with actor and target on admin rows", async () => {
    const user = await signUpApi(ctx);
    const userId = await userIdOf(ctx, user.email);
    const start = new Date().toISOString();
    const call = (path: string) =>
      ctx.client().request(path, { method: "POST", bearer: admin.accessToken, origin: null });
    await call(`/admin/users/${userId}/disable`);
    await call(`/admin/users/${userId}/enable`);
    const mine = await json<AuditPage>(
      await adminGet(`/admin/audit?userId=${userId}&from=${encodeURIComponent(start)}`),
    );
    expect(mine.events.map((event) => event.action)).toEqual([
      "admin.user_enabled",
      "admin.user_disabled",
      "user.disabled",
    ]);
    const adminRows = await json<AuditPage>(await adminGet(`/admin/audit?userId=${userId}&action=admin.user_disabled`));
    expect(adminRows.events).toEqual([
      expect.objectContaining({ userId, actorId: admin.userId, action: "admin.user_disabled" }),
    ]);
    const before = await json<AuditPage>(
      await adminGet(`/admin/audit?userId=${userId}&to=${encodeURIComponent(start)}`),
    );
    expect(before.events.map((event) => event.action)).toEqual(["user.signed_up"]);
    const first = await json<AuditPage>(await adminGet(`/admin/audit?userId=${userId}&limit=2`));
    expect(first.events).toHaveLength(2);
    const rest = await json<AuditPage>(
      await adminGet(`/admin/audit?userId=${userId}&limit=2&cursor=${first.nextCursor}`),
    );
    expect([...first.events, ...rest.events].map((event) => event.action)).toEqual([
      "admin.user_enabled",
      "admin.user_disabled",
      "user.disabled",
      "user.signed_up",
    ]);
  });

  it("refuses bad filters with 400 invalid_request", async () => {
    for (const query of [
      "userId=nope",
      "action=DROP TABLE",
      "from=yesterday",
      "to=2026-13-01T00:00:00Z",
      "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
      "limit=-1",
      "cursor=%%%",
      "unknown=1",
    ]) {
      expect([query, ...(await errorOf(await adminGet(`/admin/audit?${query}`)))]).toEqual([
        query,
        400,
        "invalid_request",
      ]);
    }
  });
});
