// A tenant's invitations: who may invite, the mail, replacing a pending one, resend, revoke, the hourly limit.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import {
  addMember,
  invitationTokenFor,
  invite,
  invitedToken,
  tenantWith,
  verifiedUser,
} from "../../../test/helpers/invitations.ts";
import { outboxFor } from "../../../test/helpers/outbox.ts";
import { errorOf, json } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  // Owners need no second factor here; forced enrollment has its own test below.
  ctx = await setUpAuthTest({ REQUIRE_MFA_ROLES: "PLATFORM_ADMIN", INVITATIONS_PER_TENANT_PER_HOUR: "5" });
});

type Invitation = { id: string; email: string; roles: string[]; expiresAt: string; status: string; sendCount: number };

async function ownedTenant() {
  const owner = await verifiedUser(ctx, uniqueEmail("owner"));
  const tenant = await tenantWith(ctx, [{ userId: owner.id, roles: ["OWNER"] }]);
  return { owner, tenant };
}

describe("POST /auth/tenants/:id/invitations", () => {
  it("invites a normalized address with roles, mails the link, stores only the token's hash, audits the actor", async () => {
    const { owner, tenant } = await ownedTenant();
    const address = uniqueEmail("partner");
    const response = await invite(owner.client, tenant.id, `  ${address.toUpperCase()} `, ["STAFF", "CUSTOMER"]);
    expect(response.status).toBe(201);
    const { invitation } = await json<{ invitation: Invitation }>(response);
    expect(invitation).toMatchObject({ email: address, roles: ["CUSTOMER", "STAFF"], status: "pending" });
    expect(JSON.stringify(invitation)).not.toMatch(/token/i);
    const days = (Date.parse(invitation.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    const [mail] = (await outboxFor(ctx.worker, address)).filter((m) => m.template === "invitation");
    expect(mail?.subject).toBe("You are invited to join Acme Partners");
    expect(mail?.text).toContain(`${owner.email} invited you to join Acme Partners as CUSTOMER, STAFF.`);
    expect(mail?.text).toContain("http://localhost/auth/invitations/accept?token=");
    expect(mail?.text).toContain("expires in 7 days");
    const token = await invitationTokenFor(ctx, address);
    const [row] = await ctx.sql<{ token_hash: string }>("SELECT token_hash FROM invitations WHERE id = $1", [
      invitation.id,
    ]);
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.token_hash).not.toContain(token);
    const [event] = await ctx.sql<{ actor_id: string; tenant_id: string; success: boolean }>(
      "SELECT actor_id, tenant_id, success FROM audit_events WHERE action = 'invitation.created' AND tenant_id = $1",
      [tenant.id],
    );
    expect(event).toEqual({ actor_id: owner.id, tenant_id: tenant.id, success: true });
  });

  it("replaces a pending invitation for the same address: the old link dies, one stays pending", async () => {
    const { owner, tenant } = await ownedTenant();
    const address = uniqueEmail("twice");
    const first = await invitedToken(ctx, owner.client, tenant.id, address);
    const second = await invitedToken(ctx, owner.client, tenant.id, address, ["CUSTOMER"]);
    expect(second.token).not.toBe(first.token);
    const list = await json<{ invitations: Invitation[] }>(
      await owner.client.request(`/auth/tenants/${tenant.id}/invitations`),
    );
    expect(list.invitations.map((i) => [i.id, i.roles])).toEqual([[second.id, ["CUSTOMER"]]]);
    const invitee = await verifiedUser(ctx, address);
    const old = await invitee.client.request("/auth/invitations/accept", { json: { token: first.token } });
    expect(await errorOf(old)).toEqual([400, "invalid_token"]);
  });

  it("lets a TENANT_INVITE_ROLES holder invite, but not to OWNER; others get 403 and non-members 404", async () => {
    const staffInviters = await setUpAuthTest({ REQUIRE_MFA_ROLES: "PLATFORM_ADMIN", TENANT_INVITE_ROLES: "STAFF" });
    const owner = await verifiedUser(staffInviters, uniqueEmail("owner"));
    const staff = await verifiedUser(staffInviters, uniqueEmail("staff"));
    const customer = await verifiedUser(staffInviters, uniqueEmail("customer"));
    const stranger = await verifiedUser(staffInviters, uniqueEmail("stranger"));
    const tenant = await tenantWith(staffInviters, [
      { userId: owner.id, roles: ["OWNER"] },
      { userId: staff.id, roles: ["STAFF"] },
      { userId: customer.id, roles: ["CUSTOMER"] },
    ]);
    const before = await staffInviters.snapshot();
    expect(await errorOf(await invite(staff.client, tenant.id, uniqueEmail(), ["OWNER"]))).toEqual([403, "forbidden"]);
    expect(await errorOf(await invite(customer.client, tenant.id, uniqueEmail()))).toEqual([403, "forbidden"]);
    expect(await errorOf(await invite(stranger.client, tenant.id, uniqueEmail()))).toEqual([404, "tenant_not_found"]);
    const unknownTenant = crypto.randomUUID();
    expect(await errorOf(await invite(owner.client, unknownTenant, uniqueEmail()))).toEqual([404, "tenant_not_found"]);
    expect(await staffInviters.snapshot()).toEqual(before);
    expect((await invite(staff.client, tenant.id, uniqueEmail(), ["STAFF"])).status).toBe(201);
    expect((await invite(owner.client, tenant.id, uniqueEmail(), ["OWNER"])).status).toBe(201);
  });

  it("refuses bad input with its code and changes nothing", async () => {
    const { owner, tenant } = await ownedTenant();
    const path = `/auth/tenants/${tenant.id}/invitations`;
    const before = await ctx.snapshot();
    const cases: Array<[unknown, number, string]> = [
      [{ email: "not an address", roles: ["STAFF"] }, 400, "invalid_request"],
      [{ email: uniqueEmail(), roles: [] }, 400, "invalid_request"],
      [{ email: uniqueEmail(), roles: ["staff"] }, 400, "invalid_request"],
      [{ email: uniqueEmail(), roles: ["STAFF"], extra: 1 }, 400, "invalid_request"],
      [{ email: uniqueEmail(), roles: ["NO_SUCH_ROLE"] }, 400, "unknown_role"],
      [{ email: uniqueEmail(), roles: ["PLATFORM_ADMIN"] }, 400, "unknown_role"],
    ];
    for (const [body, status, code] of cases)
      expect(await errorOf(await owner.client.request(path, { json: body }))).toEqual([status, code]);
    const malformed = await owner.client.request(path, {
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(await errorOf(malformed)).toEqual([400, "invalid_json"]);
    expect(await errorOf(await invite(owner.client, "not-a-uuid", uniqueEmail()))).toEqual([404, "tenant_not_found"]);
    expect(
      await errorOf(await ctx.client().request(path, { json: { email: uniqueEmail(), roles: ["STAFF"] } })),
    ).toEqual([401, "unauthenticated"]);
    const crossSite = await owner.client.request(path, {
      json: { email: uniqueEmail(), roles: ["STAFF"] },
      origin: "https://evil.example",
    });
    expect(await errorOf(crossSite)).toEqual([403, "csrf_rejected"]);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("limits invitations and resends per tenant per hour in Postgres, even in parallel (429)", async () => {
    const { owner, tenant } = await ownedTenant();
    const other = await tenantWith(ctx, [{ userId: owner.id, roles: ["OWNER"] }], "Other");
    const answers = await Promise.all(Array.from({ length: 8 }, () => invite(owner.client, tenant.id, uniqueEmail())));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    const refused = answers.find((r) => r.status === 429);
    expect(await errorOf(refused as Response)).toEqual([429, "too_many_attempts"]);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await ctx.count("invitations", "tenant_id = $1", [tenant.id])).toBe(5);
    const [pending] = await ctx.sql<{ id: string }>("SELECT id FROM invitations WHERE tenant_id = $1 LIMIT 1", [
      tenant.id,
    ]);
    const resend = await owner.client.request(`/auth/tenants/${tenant.id}/invitations/${pending?.id}/resend`, {
      method: "POST",
    });
    expect(await errorOf(resend)).toEqual([429, "too_many_attempts"]);
    // Another tenant has its own allowance.
    expect((await invite(owner.client, other.id, uniqueEmail())).status).toBe(201);
  });

  it("requires an owner who must enroll a second factor to do so first", async () => {
    const strict = await setUpAuthTest();
    const owner = await verifiedUser(strict, uniqueEmail("owner"));
    const tenant = await tenantWith(strict, [{ userId: owner.id, roles: ["OWNER"] }]);
    const before = await strict.snapshot();
    expect(await errorOf(await invite(owner.client, tenant.id, uniqueEmail()))).toEqual([
      403,
      "mfa_enrollment_required",
    ]);
    expect(await strict.snapshot()).toEqual(before);
  });
});

describe("listing, resending and revoking", () => {
  it("lists pending invitations (expired ones marked) only to those who may invite", async () => {
    const { owner, tenant } = await ownedTenant();
    const staff = await verifiedUser(ctx, uniqueEmail("staff"));
    await addMember(ctx, tenant.id, staff.id, ["STAFF"]);
    const live = await invitedToken(ctx, owner.client, tenant.id, uniqueEmail());
    const expired = await invitedToken(ctx, owner.client, tenant.id, uniqueEmail());
    const declined = await invitedToken(ctx, owner.client, tenant.id, uniqueEmail());
    await ctx.sql("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1", [expired.id]);
    expect((await ctx.client().request("/auth/invitations/decline", { json: { token: declined.token } })).status).toBe(
      200,
    );
    const response = await owner.client.request(`/auth/tenants/${tenant.id}/invitations`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { invitations } = await json<{ invitations: Invitation[] }>(response);
    expect(Object.fromEntries(invitations.map((i) => [i.id, i.status]))).toEqual({
      [live.id]: "pending",
      [expired.id]: "expired",
    });
    const staffList = await staff.client.request(`/auth/tenants/${tenant.id}/invitations`);
    expect(await errorOf(staffList)).toEqual([403, "forbidden"]);
  });

  it("resends with a new token: the old link is dead, the new one works, the expiry moves on", async () => {
    const { owner, tenant } = await ownedTenant();
    const address = uniqueEmail("resent");
    const first = await invitedToken(ctx, owner.client, tenant.id, address);
    await ctx.sql("UPDATE invitations SET expires_at = now() - interval '1 hour' WHERE id = $1", [first.id]);
    const response = await owner.client.request(`/auth/tenants/${tenant.id}/invitations/${first.id}/resend`, {
      method: "POST",
    });
    expect(response.status).toBe(200);
    const { invitation } = await json<{ invitation: Invitation }>(response);
    expect(invitation).toMatchObject({ id: first.id, status: "pending", sendCount: 2 });
    const token = await invitationTokenFor(ctx, address);
    expect(token).not.toBe(first.token);
    const invitee = await verifiedUser(ctx, address);
    const old = await invitee.client.request("/auth/invitations/accept", { json: { token: first.token } });
    expect(await errorOf(old)).toEqual([400, "invalid_token"]);
    expect((await invitee.client.request("/auth/invitations/accept", { json: { token } })).status).toBe(200);
    expect(await ctx.count("audit_events", "action = 'invitation.resent' AND actor_id = $1", [owner.id])).toBe(1);
  });

  it("revokes: the link stops working; a second revoke or another tenant's id is 404", async () => {
    const { owner, tenant } = await ownedTenant();
    const other = await ownedTenant();
    const address = uniqueEmail("revoked");
    const { id, token } = await invitedToken(ctx, owner.client, tenant.id, address);
    const path = `/auth/tenants/${tenant.id}/invitations/${id}`;
    const foreign = await other.owner.client.request(`/auth/tenants/${other.tenant.id}/invitations/${id}`, {
      method: "DELETE",
    });
    expect(await errorOf(foreign)).toEqual([404, "invitation_not_found"]);
    expect((await owner.client.request(path, { method: "DELETE" })).status).toBe(200);
    expect(await errorOf(await owner.client.request(path, { method: "DELETE" }))).toEqual([
      404,
      "invitation_not_found",
    ]);
    const resend = await owner.client.request(`${path}/resend`, { method: "POST" });
    expect(await errorOf(resend)).toEqual([404, "invitation_not_found"]);
    const bad = await owner.client.request(`/auth/tenants/${tenant.id}/invitations/nope`, { method: "DELETE" });
    expect(await errorOf(bad)).toEqual([404, "invitation_not_found"]);
    const invitee = await verifiedUser(ctx, address);
    const accept = await invitee.client.request("/auth/invitations/accept", { json: { token } });
    expect(await errorOf(accept)).toEqual([400, "invalid_token"]);
    expect(await ctx.count("memberships", "user_id = $1", [invitee.id])).toBe(0);
    expect(await ctx.count("audit_events", "action = 'invitation.revoked' AND tenant_id = $1", [tenant.id])).toBe(1);
  });
});
