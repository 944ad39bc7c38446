// Review of issue 14 (tenants and members), as an attacker: an OWNER of one tenant acting on another,
// platform roles through a tenant role change, mass assignment and oversize bodies, owners who cannot
// act, and an enrolling session accepting an invitation.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import { addMember, invitedToken, tenantWith, verifiedUser } from "../../../test/helpers/invitations.ts";
import { errorOf } from "../../../test/helpers/second-factors.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const rolesOf = async (tenantId: string, userId: string) =>
  (
    await ctx.sql<{ role_key: string }>(
      `SELECT mr.role_key FROM memberships m JOIN membership_roles mr ON mr.membership_id = m.id
       WHERE m.tenant_id = $1 AND m.user_id = $2 ORDER BY mr.role_key`,
      [tenantId, userId],
    )
  ).map((row) => row.role_key);

/** A tenant with a verified OWNER. */
async function ownedTenant(label: string) {
  const owner = await verifiedUser(ctx, uniqueEmail(`${label}-owner`));
  const tenant = await tenantWith(ctx, [{ userId: owner.id, roles: ["OWNER"] }]);
  return { owner, tenant };
}

/** Set-up only: a confirmed TOTP row, so REQUIRE_MFA_ROLES (OWNER by default) does not hold this owner back. */
const confirmedTotpRow = (userId: string) =>
  ctx.sql(
    `INSERT INTO totp_credentials (id, user_id, secret_ciphertext, secret_version, confirmed_at)
     VALUES (gen_random_uuid(), $1, 'unused', 1, now())`,
    [userId],
  );

const patchRoles = (
  client: { request: (path: string, init: object) => Promise<Response> },
  tenantId: string,
  userId: string,
  body: unknown,
) =>
  client.request(`/auth/tenants/${tenantId}/members/${userId}`, {
    method: "PATCH",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

describe("an OWNER of tenant A against tenant B", () => {
  it("cannot list, change or remove B's members with B's id or by naming B's member under A", async () => {
    const a = await ownedTenant("a");
    const b = await ownedTenant("b");
    await confirmedTotpRow(a.owner.id);
    const member = await verifiedUser(ctx, uniqueEmail("b-member"));
    await addMember(ctx, b.tenant.id, member.id, ["CUSTOMER"]);
    const before = await ctx.snapshot();
    const attempts = [
      a.owner.client.request(`/auth/tenants/${b.tenant.id}/members`, {}),
      patchRoles(a.owner.client, b.tenant.id, member.id, { roles: ["OWNER"] }),
      patchRoles(a.owner.client, b.tenant.id, b.owner.id, { roles: ["CUSTOMER"] }),
      a.owner.client.request(`/auth/tenants/${b.tenant.id}/members/${b.owner.id}`, { method: "DELETE" }),
      a.owner.client.request(`/auth/tenants/${b.tenant.id}/switch`, { method: "POST" }),
    ];
    for (const response of await Promise.all(attempts)) {
      const [status] = await errorOf(response);
      expect([403, 404]).toContain(status);
    }
    // B's member named under A's tenant.
    const underA = await patchRoles(a.owner.client, a.tenant.id, member.id, { roles: ["OWNER"] });
    expect([403, 404]).toContain((await errorOf(underA))[0]);
    expect(await ctx.snapshot()).toEqual(before);
    expect(await rolesOf(b.tenant.id, member.id)).toEqual(["CUSTOMER"]);
    expect(await rolesOf(b.tenant.id, b.owner.id)).toEqual(["OWNER"]);
  });
});

describe("PATCH /auth/tenants/:id/members/:userId bodies", () => {
  it("refuses platform roles, mass assignment, malformed and oversize bodies, changing nothing", async () => {
    const { owner, tenant } = await ownedTenant("mass");
    await confirmedTotpRow(owner.id);
    const member = await verifiedUser(ctx, uniqueEmail("m"));
    await addMember(ctx, tenant.id, member.id, ["CUSTOMER"]);
    const before = await ctx.snapshot();
    const answers: unknown[][] = [];
    for (const body of [
      { roles: ["PLATFORM_ADMIN"] },
      { roles: ["OWNER", "PLATFORM_ADMIN"] },
      { roles: ["STAFF"], tenantId: crypto.randomUUID() },
      { roles: ["STAFF"], status: "ACTIVE" },
      { roles: ["STAFF"], userId: owner.id },
      { roles: "OWNER" },
      { roles: [] },
      { roles: ["owner"] },
      { roles: [{ key: "OWNER" }] },
      '{"roles":["OWNER"]',
      "null",
      JSON.stringify({ roles: ["STAFF"], pad: "x".repeat(300_000) }),
    ]) {
      answers.push(await errorOf(await patchRoles(owner.client, tenant.id, member.id, body)));
    }
    for (const [status] of answers) expect([400, 413]).toContain(status);
    expect(answers[0]).toEqual([400, "unknown_role"]);
    expect(answers.at(-1)?.[0]).toBe(413);
    expect(await ctx.snapshot()).toEqual(before);
    expect(await ctx.count("platform_role_grants", "user_id = $1", [member.id])).toBe(0);
  });
});

describe("owners who cannot act", () => {
  it("a disabled or deleted co-owner does not let the last active owner demote themselves or leave", async () => {
    const { owner, tenant } = await ownedTenant("last");
    await confirmedTotpRow(owner.id);
    const disabled = await verifiedUser(ctx, uniqueEmail("disabled-owner"));
    const deleted = await verifiedUser(ctx, uniqueEmail("deleted-owner"));
    await addMember(ctx, tenant.id, disabled.id, ["OWNER"]);
    await addMember(ctx, tenant.id, deleted.id, ["OWNER"]);
    await ctx.sql("UPDATE users SET status = 'DISABLED' WHERE id = $1", [disabled.id]);
    await ctx.sql("UPDATE users SET status = 'DELETED', deleted_at = now() WHERE id = $1", [deleted.id]);
    expect(await errorOf(await patchRoles(owner.client, tenant.id, owner.id, { roles: ["STAFF"] }))).toEqual([
      409,
      "last_owner",
    ]);
    const leave = await owner.client.request(`/auth/tenants/${tenant.id}/leave`, { method: "POST" });
    expect(await errorOf(leave)).toEqual([409, "last_owner"]);
    expect(await rolesOf(tenant.id, owner.id)).toEqual(["OWNER"]);
  });
});

describe("an enrolling session and invitations", () => {
  it("gets no roles from accepting an invitation before it enrolls a second factor", async () => {
    // The invitee is an OWNER elsewhere without a second factor: their session must enroll first.
    const inviter = await ownedTenant("inviter");
    await confirmedTotpRow(inviter.owner.id);
    const invitee = await verifiedUser(ctx, uniqueEmail("enrolling"));
    await tenantWith(ctx, [{ userId: invitee.id, roles: ["OWNER"] }]);
    expect((await invitee.client.request("/auth/refresh", { method: "POST" })).status).toBe(200);
    const { token } = await invitedToken(ctx, inviter.owner.client, inviter.tenant.id, invitee.email, ["STAFF"]);
    const accepted = await invitee.client.request("/auth/invitations/accept", { json: { token } });
    expect([200, 403]).toContain(accepted.status);
    const claims = claimsOf(invitee.client.cookies.get("__Host-portcullis_at") ?? "");
    expect(claims.roles).toEqual([]);
    expect(claims.tenant).toBeUndefined();
    const members = await invitee.client.request(`/auth/tenants/${inviter.tenant.id}/members`);
    expect(await errorOf(members)).toEqual([403, "mfa_enrollment_required"]);
  });
});
