// Issue 14: an OWNER lists, re-roles and removes members, a member leaves, the last OWNER stays; the
// powers are read from the database, every change is audited with its actor and moves the epoch.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { enrollTotp, errorOf, json } from "../../../test/helpers/second-factors.ts";
import { addMemberDirect, createTenant, uniqueSlug } from "../../../test/helpers/tenancy.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type Person = { client: TestClient; id: string; email: string };

async function person(label: string, options: { totp?: boolean } = {}): Promise<Person> {
  const email = uniqueEmail(label);
  const client = await signUpBrowser(ctx, email);
  if (options.totp) await enrollTotp(client);
  return { client, email, id: await userIdOf(ctx, email) };
}

/** A tenant with a TOTP-enrolled owner and members with the given roles (set up with SQL). */
async function tenantWith(memberRoles: string[][]) {
  const owner = await person("owner", { totp: true });
  const { tenant } = await createTenant(owner.client, uniqueSlug("team"));
  const members: Person[] = [];
  for (const roles of memberRoles) {
    const member = await person("member");
    await addMemberDirect(ctx, { tenantId: tenant.id, userId: member.id, roles });
    members.push(member);
  }
  return { owner, tenant, members };
}

const epochOf = async (userId: string) =>
  (await ctx.sql<{ e: number }>("SELECT membership_epoch AS e FROM users WHERE id = $1", [userId]))[0]?.e;

const rolesOf = async (tenantId: string, userId: string) =>
  (
    await ctx.sql<{ role_key: string }>(
      "SELECT mr.role_key FROM membership_roles mr JOIN memberships m ON m.id = mr.membership_id WHERE m.tenant_id = $1 AND m.user_id = $2 ORDER BY 1",
      [tenantId, userId],
    )
  ).map((row) => row.role_key);

type Page = {
  members: Array<{ userId: string; email: string; roles: string[]; status: string; joinedAt: string }>;
  nextCursor: string | null;
};

describe("listing members", () => {
  it("owners and staff see every member page by page; customers may not (403); non-members get 404", async () => {
    const { owner, tenant, members } = await tenantWith([["STAFF"], ["CUSTOMER"], ["CUSTOMER"], ["STAFF", "CUSTOMER"]]);
    const [staff, customer] = members as [Person, Person];
    const first = await json<Page>(await owner.client.request(`/auth/tenants/${tenant.id}/members?limit=2`));
    expect(first.members.map((m) => m.userId)).toEqual([owner.id, staff.id]);
    expect(first.members[0]).toMatchObject({ email: owner.email, roles: ["OWNER"], status: "ACTIVE", name: null });
    expect(Date.parse(first.members[0]?.joinedAt ?? "")).toBeGreaterThan(0);
    const second = await json<Page>(
      await owner.client.request(`/auth/tenants/${tenant.id}/members?limit=2&cursor=${first.nextCursor}`),
    );
    const third = await json<Page>(
      await owner.client.request(`/auth/tenants/${tenant.id}/members?limit=2&cursor=${second.nextCursor}`),
    );
    expect([...first.members, ...second.members, ...third.members].map((m) => m.userId)).toEqual([
      owner.id,
      ...members.map((m) => m.id),
    ]);
    expect(third.members.at(-1)?.roles).toEqual(["CUSTOMER", "STAFF"]);
    expect(third.nextCursor).toBeNull();

    const byStaff = await json<Page>(await staff.client.request(`/auth/tenants/${tenant.id}/members`));
    expect(byStaff.members).toHaveLength(5);
    expect(await errorOf(await customer.client.request(`/auth/tenants/${tenant.id}/members`))).toEqual([
      403,
      "forbidden",
    ]);
    const stranger = await person("stranger");
    expect(await errorOf(await stranger.client.request(`/auth/tenants/${tenant.id}/members`))).toEqual([
      404,
      "tenant_not_found",
    ]);
  });

  it("a suspended membership or tenant lists nothing (404), whatever roles the token still carries", async () => {
    const { owner, tenant, members } = await tenantWith([["STAFF"]]);
    const [staff] = members as [Person];
    await ctx.sql("UPDATE memberships SET status = 'SUSPENDED' WHERE user_id = $1", [staff.id]);
    expect(await errorOf(await staff.client.request(`/auth/tenants/${tenant.id}/members`))).toEqual([
      404,
      "tenant_not_found",
    ]);
    await ctx.sql("UPDATE tenants SET status = 'SUSPENDED' WHERE id = $1", [tenant.id]);
    expect(await errorOf(await owner.client.request(`/auth/tenants/${tenant.id}/members`))).toEqual([
      404,
      "tenant_not_found",
    ]);
  });
});

describe("changing a member's roles", () => {
  it("an OWNER sets a member's roles: stored, audited with the actor, and the member's epoch moves", async () => {
    const { owner, tenant, members } = await tenantWith([["CUSTOMER"]]);
    const [member] = members as [Person];
    const epoch = await epochOf(member.id);
    const response = await owner.client.request(`/auth/tenants/${tenant.id}/members/${member.id}`, {
      method: "PATCH",
      json: { roles: ["STAFF", "CUSTOMER", "STAFF"] },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ member: { userId: member.id, roles: ["CUSTOMER", "STAFF"] } });
    expect(await rolesOf(tenant.id, member.id)).toEqual(["CUSTOMER", "STAFF"]);
    expect(await epochOf(member.id)).toBe((epoch ?? 0) + 1);
    const [audit] = await ctx.sql<{ metadata: Record<string, string[]> }>(
      "SELECT metadata FROM audit_events WHERE action = 'tenant.member_roles_changed' AND user_id = $1 AND actor_id = $2 AND tenant_id = $3",
      [member.id, owner.id, tenant.id],
    );
    expect(audit?.metadata).toEqual({ roles: ["CUSTOMER", "STAFF"], previous: ["CUSTOMER"] });
    // Promoted to OWNER (and REQUIRE_MFA_ROLES on, no second factor): their next token waits for enrollment.
    const promote = await owner.client.request(`/auth/tenants/${tenant.id}/members/${member.id}`, {
      method: "PATCH",
      json: { roles: ["OWNER"] },
    });
    expect(promote.status).toBe(200);
    // The member's token predates the change: refused on /auth/*, where a client refreshes it.
    expect(await errorOf(await member.client.request("/auth/session"))).toEqual([401, "unauthenticated"]);
    expect((await member.client.request("/auth/refresh", { json: {} })).status).toBe(200);
    expect(claimsOf(member.client.cookies.get("__Host-portcullis_at") ?? "")).toMatchObject({
      roles: [],
      mfa_enroll: true,
    });
    // Until they enroll, the session can do nothing else, switching tenants included.
    expect(await errorOf(await member.client.request(`/auth/tenants/${tenant.id}/switch`, { method: "POST" }))).toEqual(
      [403, "mfa_enrollment_required"],
    );
  });

  it("staff and customers may not change roles (403) and a role change of a non-member is 404 member_not_found", async () => {
    const { owner, tenant, members } = await tenantWith([["STAFF"], ["CUSTOMER"]]);
    const [staff, customer] = members as [Person, Person];
    const outsider = await person("outsider");
    const before = await ctx.snapshot();
    for (const actor of [staff, customer]) {
      const response = await actor.client.request(`/auth/tenants/${tenant.id}/members/${customer.id}`, {
        method: "PATCH",
        json: { roles: ["OWNER"] },
      });
      expect(await errorOf(response)).toEqual([403, "forbidden"]);
    }
    expect(
      await errorOf(
        await owner.client.request(`/auth/tenants/${tenant.id}/members/${outsider.id}`, {
          method: "PATCH",
          json: { roles: ["STAFF"] },
        }),
      ),
    ).toEqual([404, "member_not_found"]);
    expect(await ctx.snapshot()).toEqual(before);
    expect(await rolesOf(tenant.id, customer.id)).toEqual(["CUSTOMER"]);
  });

  it("the last OWNER cannot demote themselves (409 last_owner); with a second owner they can, and get a new token", async () => {
    const { owner, tenant, members } = await tenantWith([["STAFF"]]);
    const [staff] = members as [Person];
    const demote = () =>
      owner.client.request(`/auth/tenants/${tenant.id}/members/${owner.id}`, {
        method: "PATCH",
        json: { roles: ["STAFF"] },
      });
    const before = await ctx.snapshot();
    expect(await errorOf(await demote())).toEqual([409, "last_owner"]);
    expect(await ctx.snapshot()).toEqual(before);
    await owner.client.request(`/auth/tenants/${tenant.id}/members/${staff.id}`, {
      method: "PATCH",
      json: { roles: ["OWNER"] },
    });
    const response = await demote();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      member: { roles: ["STAFF"] },
      session: { roles: ["STAFF"], activeTenant: { id: tenant.id } },
    });
    expect(claimsOf(owner.client.cookies.get("__Host-portcullis_at") ?? "")).toMatchObject({
      tenant: tenant.id,
      roles: ["STAFF"],
    });
    // The session goes on with the new cookie.
    expect((await owner.client.request("/auth/session")).status).toBe(200);
  });
});

describe("removing members and leaving", () => {
  it("an OWNER removes a member: membership gone, their session loses the tenant, audited with the actor", async () => {
    const { owner, tenant, members } = await tenantWith([["STAFF"]]);
    const [staff] = members as [Person];
    expect((await staff.client.request(`/auth/tenants/${tenant.id}/switch`, { method: "POST" })).status).toBe(200);
    const response = await owner.client.request(`/auth/tenants/${tenant.id}/members/${staff.id}`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(await ctx.count("memberships", "tenant_id = $1 AND user_id = $2", [tenant.id, staff.id])).toBe(0);
    expect(await ctx.count("sessions", "user_id = $1 AND active_tenant_id IS NOT NULL", [staff.id])).toBe(0);
    expect(
      await ctx.count(
        "audit_events",
        "action = 'tenant.member_removed' AND user_id = $1 AND actor_id = $2 AND tenant_id = $3",
        [staff.id, owner.id, tenant.id],
      ),
    ).toBe(1);
    // Their old token is stale now; the refreshed one carries no tenant.
    expect((await staff.client.request("/auth/refresh", { json: {} })).status).toBe(200);
    const claims = claimsOf(staff.client.cookies.get("__Host-portcullis_at") ?? "");
    expect(claims).not.toHaveProperty("tenant");
    expect(claims.roles).toEqual([]);
    expect(await errorOf(await staff.client.request(`/auth/tenants/${tenant.id}/members`))).toEqual([
      404,
      "tenant_not_found",
    ]);
  });

  it("the last OWNER can be removed by nobody (409 last_owner); non-owners may not remove (403)", async () => {
    const { owner, tenant, members } = await tenantWith([["STAFF"]]);
    const [staff] = members as [Person];
    const before = await ctx.snapshot();
    expect(
      await errorOf(await owner.client.request(`/auth/tenants/${tenant.id}/members/${owner.id}`, { method: "DELETE" })),
    ).toEqual([409, "last_owner"]);
    expect(
      await errorOf(await staff.client.request(`/auth/tenants/${tenant.id}/members/${owner.id}`, { method: "DELETE" })),
    ).toEqual([403, "forbidden"]);
    expect(
      await errorOf(
        await owner.client.request(`/auth/tenants/${tenant.id}/members/${crypto.randomUUID()}`, { method: "DELETE" }),
      ),
    ).toEqual([404, "member_not_found"]);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("a member leaves and gets a token without the tenant; the last OWNER cannot leave; strangers get 404", async () => {
    const { owner, tenant, members } = await tenantWith([["CUSTOMER"]]);
    const [customer] = members as [Person];
    await customer.client.request(`/auth/tenants/${tenant.id}/switch`, { method: "POST" });
    const response = await customer.client.request(`/auth/tenants/${tenant.id}/leave`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      left: { tenantId: tenant.id },
      session: { activeTenant: null, roles: [] },
    });
    expect(claimsOf(customer.client.cookies.get("__Host-portcullis_at") ?? "")).not.toHaveProperty("tenant");
    expect((await customer.client.request("/auth/session")).status).toBe(200);
    expect(
      await ctx.count(
        "audit_events",
        "action = 'tenant.member_left' AND user_id = $1 AND actor_id = $1 AND tenant_id = $2",
        [customer.id, tenant.id],
      ),
    ).toBe(1);
    expect(
      await errorOf(await customer.client.request(`/auth/tenants/${tenant.id}/leave`, { method: "POST" })),
    ).toEqual([404, "tenant_not_found"]);
    const before = await ctx.snapshot();
    expect(await errorOf(await owner.client.request(`/auth/tenants/${tenant.id}/leave`, { method: "POST" }))).toEqual([
      409,
      "last_owner",
    ]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
