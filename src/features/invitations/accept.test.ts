// Answering an invitation: accept signed in (the invited, verified address only), by creating the
// invited account, decline; expired, reused, revoked and unknown tokens get one answer.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpApi,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { addMember, invitedToken, tenantWith, verifiedUser } from "../../../test/helpers/invitations.ts";
import { errorOf, json } from "../../../test/helpers/second-factors.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ REQUIRE_MFA_ROLES: "PLATFORM_ADMIN" });
});

async function ownedTenant() {
  const owner = await verifiedUser(ctx, uniqueEmail("owner"));
  const tenant = await tenantWith(ctx, [{ userId: owner.id, roles: ["OWNER"] }]);
  return { owner, tenant };
}

const rolesOf = async (tenantId: string, userId: string) =>
  (
    await ctx.sql<{ role_key: string }>(
      `SELECT mr.role_key FROM memberships m JOIN membership_roles mr ON mr.membership_id = m.id
       WHERE m.tenant_id = $1 AND m.user_id = $2 ORDER BY mr.role_key`,
      [tenantId, userId],
    )
  ).map((row) => row.role_key);

const accessCookie = (client: { cookies: Map<string, string> }) => client.cookies.get("__Host-portcullis_at") ?? "";

describe("POST /auth/invitations/accept, signed in", () => {
  it("joins the tenant with the roles, consumes the invitation, bumps the epoch and switches the session", async () => {
    const { owner, tenant } = await ownedTenant();
    const invitee = await verifiedUser(ctx, uniqueEmail("invitee"));
    const { id, token } = await invitedToken(ctx, owner.client, tenant.id, invitee.email, ["CUSTOMER", "STAFF"]);
    const before = accessCookie(invitee.client);
    const response = await invitee.client.request("/auth/invitations/accept", { json: { token } });
    expect(response.status).toBe(200);
    const body = await json<{ status: string; tenant: { id: string; slug: string }; roles: string[] }>(response);
    expect(body).toMatchObject({ status: "accepted", tenant: { id: tenant.id, slug: tenant.slug } });
    expect(body.roles).toEqual(["CUSTOMER", "STAFF"]);
    expect(await rolesOf(tenant.id, invitee.id)).toEqual(["CUSTOMER", "STAFF"]);
    const claims = claimsOf(accessCookie(invitee.client));
    expect(accessCookie(invitee.client)).not.toBe(before);
    expect(claims).toMatchObject({ tenant: tenant.id, tenant_slug: tenant.slug, roles: ["CUSTOMER", "STAFF"], mep: 1 });
    const [row] = await ctx.sql<{ accepted_by: string; accepted: boolean }>(
      "SELECT accepted_by, accepted_at IS NOT NULL AS accepted FROM invitations WHERE id = $1",
      [id],
    );
    expect(row).toEqual({ accepted_by: invitee.id, accepted: true });
    expect(
      await ctx.count(
        "audit_events",
        "action = 'invitation.accepted' AND user_id = $1 AND tenant_id = $2 AND metadata->>'invitedBy' = $3",
        [invitee.id, tenant.id, owner.id],
      ),
    ).toBe(1);
    // The session it reached keeps working with the new token; the token from before is stale.
    expect((await invitee.client.request("/auth/session")).status).toBe(200);
    const stale = await ctx.client().request("/auth/session", { bearer: before });
    expect(await errorOf(stale)).toEqual([401, "unauthenticated"]);
  });

  it("adds roles to an existing membership, idempotently", async () => {
    const { owner, tenant } = await ownedTenant();
    const member = await verifiedUser(ctx, uniqueEmail("member"));
    await addMember(ctx, tenant.id, member.id, ["CUSTOMER"]);
    const { token } = await invitedToken(ctx, owner.client, tenant.id, member.email, ["CUSTOMER", "STAFF"]);
    expect((await member.client.request("/auth/invitations/accept", { json: { token } })).status).toBe(200);
    expect(await rolesOf(tenant.id, member.id)).toEqual(["CUSTOMER", "STAFF"]);
    expect(await ctx.count("memberships", "tenant_id = $1 AND user_id = $2", [tenant.id, member.id])).toBe(1);
  });

  it("refuses another address with 403 invitation_email_mismatch and leaves the invitation to its addressee", async () => {
    const { owner, tenant } = await ownedTenant();
    const addressee = uniqueEmail("addressee");
    const { token } = await invitedToken(ctx, owner.client, tenant.id, addressee);
    const intruder = await verifiedUser(ctx, uniqueEmail("intruder"));
    const before = await ctx.snapshot();
    const refused = await intruder.client.request("/auth/invitations/accept", { json: { token } });
    expect(await errorOf(refused)).toEqual([403, "invitation_email_mismatch"]);
    expect(await ctx.snapshot()).toEqual({ ...before, audit_events: (before.audit_events ?? 0) + 1 });
    expect(await ctx.count("memberships", "user_id = $1", [intruder.id])).toBe(0);
    const invitee = await verifiedUser(ctx, addressee);
    expect((await invitee.client.request("/auth/invitations/accept", { json: { token } })).status).toBe(200);
  });

  it("refuses the invited address while it is unverified (403 email_not_verified)", async () => {
    const { owner, tenant } = await ownedTenant();
    const invitee = await signUpApi(ctx, uniqueEmail("unverified"));
    const { token } = await invitedToken(ctx, owner.client, tenant.id, invitee.email);
    const response = await ctx
      .client()
      .request("/auth/invitations/accept", { json: { token }, bearer: invitee.accessToken, origin: null });
    expect(await errorOf(response)).toEqual([403, "email_not_verified"]);
    expect(
      await ctx.count("invitations", "token_hash IS NOT NULL AND accepted_at IS NOT NULL AND email = $1", [
        invitee.email,
      ]),
    ).toBe(0);
  });

  it("answers expired, reused, revoked, declined and unknown tokens alike: 400 invalid_token, nothing changed", async () => {
    const { owner, tenant } = await ownedTenant();
    const invitee = await verifiedUser(ctx, uniqueEmail("late"));
    const expired = await invitedToken(ctx, owner.client, tenant.id, invitee.email);
    await ctx.sql("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1", [expired.id]);
    const other = await ownedTenant();
    const used = await invitedToken(ctx, other.owner.client, other.tenant.id, invitee.email);
    expect((await invitee.client.request("/auth/invitations/accept", { json: { token: used.token } })).status).toBe(
      200,
    );
    const third = await ownedTenant();
    const revoked = await invitedToken(ctx, third.owner.client, third.tenant.id, invitee.email);
    await third.owner.client.request(`/auth/tenants/${third.tenant.id}/invitations/${revoked.id}`, {
      method: "DELETE",
    });
    const fourth = await ownedTenant();
    const declined = await invitedToken(ctx, fourth.owner.client, fourth.tenant.id, invitee.email);
    await ctx.client().request("/auth/invitations/decline", { json: { token: declined.token } });
    const before = await ctx.snapshot();
    for (const token of [expired.token, used.token, revoked.token, declined.token, "A".repeat(43), "short", ""]) {
      const response = await invitee.client.request("/auth/invitations/accept", { json: { token } });
      expect(await errorOf(response)).toEqual([400, "invalid_token"]);
    }
    expect(await ctx.snapshot()).toEqual(before);
    expect(await rolesOf(tenant.id, invitee.id)).toEqual([]);
  });

  it("of racing accepts of one invitation exactly one wins", async () => {
    const { owner, tenant } = await ownedTenant();
    const invitee = await verifiedUser(ctx, uniqueEmail("racer"));
    const { token } = await invitedToken(ctx, owner.client, tenant.id, invitee.email);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => invitee.client.request("/auth/invitations/accept", { json: { token } })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    // A loser sees the spent link, or (once the winner moved the epoch) its token stale at the edge.
    expect(statuses.filter((status) => status !== 200).every((status) => status === 400 || status === 401)).toBe(true);
    expect(await ctx.count("memberships", "tenant_id = $1 AND user_id = $2", [tenant.id, invitee.id])).toBe(1);
    expect(await ctx.count("audit_events", "action = 'invitation.accepted' AND user_id = $1", [invitee.id])).toBe(1);
  });

  it("refuses bad bodies: malformed JSON, unknown fields, a password while signed in; no session and no password is 401", async () => {
    const { owner, tenant } = await ownedTenant();
    const invitee = await verifiedUser(ctx, uniqueEmail("body"));
    const { token } = await invitedToken(ctx, owner.client, tenant.id, invitee.email);
    const before = await ctx.snapshot();
    const raw = await invitee.client.request("/auth/invitations/accept", {
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(await errorOf(raw)).toEqual([400, "invalid_json"]);
    const extra = await invitee.client.request("/auth/invitations/accept", { json: { token, tenant: "x" } });
    expect(await errorOf(extra)).toEqual([400, "invalid_request"]);
    const withPassword = await invitee.client.request("/auth/invitations/accept", {
      json: { token, password: STRONG_PASSWORD },
    });
    expect(await errorOf(withPassword)).toEqual([400, "invalid_request"]);
    const anonymous = await ctx.client().request("/auth/invitations/accept", { json: { token } });
    expect(await errorOf(anonymous)).toEqual([401, "unauthenticated"]);
    const crossSite = await invitee.client.request("/auth/invitations/accept", {
      json: { token },
      origin: "https://evil.example",
    });
    expect(await errorOf(crossSite)).toEqual([403, "csrf_rejected"]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});

describe("POST /auth/invitations/accept, creating the invited account", () => {
  it("creates the account verified, with the membership and roles, and a session in the tenant", async () => {
    const { owner, tenant } = await ownedTenant();
    const address = uniqueEmail("newcomer");
    const { token } = await invitedToken(ctx, owner.client, tenant.id, address, ["STAFF"]);
    const response = await ctx.client().request("/auth/invitations/accept", {
      json: { token, password: STRONG_PASSWORD, name: "New Comer", client: "api" },
      origin: null,
    });
    expect(response.status).toBe(201);
    const body = await json<{
      tenant: { id: string };
      roles: string[];
      session: { accessToken: string; refreshToken: string };
    }>(response);
    expect(body.tenant.id).toBe(tenant.id);
    expect(body.roles).toEqual(["STAFF"]);
    const [user] = await ctx.sql<{ id: string; verified: boolean; name: string }>(
      "SELECT id, email_verified_at IS NOT NULL AS verified, name FROM users WHERE email = $1",
      [address],
    );
    expect(user).toMatchObject({ verified: true, name: "New Comer" });
    expect(await rolesOf(tenant.id, user?.id ?? "")).toEqual(["STAFF"]);
    expect(claimsOf(body.session.accessToken)).toMatchObject({
      tenant: tenant.id,
      roles: ["STAFF"],
      email_verified: true,
    });
    expect((await ctx.client().request("/auth/session", { bearer: body.session.accessToken })).status).toBe(200);
    // The refresh keeps the tenant: the session row remembers it.
    const refreshed = await ctx
      .client()
      .request("/auth/refresh", { json: { refreshToken: body.session.refreshToken }, origin: null });
    expect(claimsOf((await json<{ session: { accessToken: string } }>(refreshed)).session.accessToken)).toMatchObject({
      tenant: tenant.id,
    });
    // The password signs in from now on; the token is spent.
    const login = await ctx.client().request("/auth/login", {
      json: { email: address, password: STRONG_PASSWORD, client: "api" },
      origin: null,
    });
    expect(login.status).toBe(200);
    const again = await ctx.client().request("/auth/invitations/accept", {
      json: { token, password: STRONG_PASSWORD, client: "api" },
      origin: null,
    });
    expect(await errorOf(again)).toEqual([400, "invalid_token"]);
    expect(await ctx.count("audit_events", "action = 'user.signed_up' AND user_id = $1", [user?.id])).toBe(1);
  });

  it("sets browser cookies and needs an allowed origin for them", async () => {
    const { owner, tenant } = await ownedTenant();
    const address = uniqueEmail("browser");
    const { token } = await invitedToken(ctx, owner.client, tenant.id, address);
    const before = await ctx.snapshot();
    const crossSite = await ctx.client().request("/auth/invitations/accept", {
      json: { token, password: STRONG_PASSWORD },
      origin: "https://evil.example",
    });
    expect(await errorOf(crossSite)).toEqual([403, "csrf_rejected"]);
    expect(await ctx.snapshot()).toEqual(before);
    const browser = ctx.client();
    expect(
      (await browser.request("/auth/invitations/accept", { json: { token, password: STRONG_PASSWORD } })).status,
    ).toBe(201);
    expect(claimsOf(accessCookie(browser))).toMatchObject({ tenant: tenant.id });
  });

  it("tells an existing address to sign in (409 sign_in_to_accept) and creates nothing", async () => {
    const { owner, tenant } = await ownedTenant();
    const existing = await signUpApi(ctx, uniqueEmail("existing"));
    const { token } = await invitedToken(ctx, owner.client, tenant.id, existing.email);
    const before = await ctx.snapshot();
    const response = await ctx.client().request("/auth/invitations/accept", {
      json: { token, password: "another long passphrase here", client: "api" },
      origin: null,
    });
    expect(await errorOf(response)).toEqual([409, "sign_in_to_accept"]);
    expect(await ctx.snapshot()).toEqual(before);
    expect(await ctx.count("invitations", "email = $1 AND accepted_at IS NULL", [existing.email])).toBe(1);
  });

  it("refuses a weak password and a bad token without creating anything", async () => {
    const { owner, tenant } = await ownedTenant();
    const address = uniqueEmail("weak");
    const { token } = await invitedToken(ctx, owner.client, tenant.id, address);
    const before = await ctx.snapshot();
    const weak = await ctx.client().request("/auth/invitations/accept", {
      json: { token, password: "short", client: "api" },
      origin: null,
    });
    expect(await errorOf(weak)).toEqual([400, "weak_password"]);
    const unknown = await ctx.client().request("/auth/invitations/accept", {
      json: { token: "B".repeat(43), password: STRONG_PASSWORD, client: "api" },
      origin: null,
    });
    expect(await errorOf(unknown)).toEqual([400, "invalid_token"]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});

describe("POST /auth/invitations/decline", () => {
  it("declines with the token alone; the link is spent and the decline audited", async () => {
    const { owner, tenant } = await ownedTenant();
    const address = uniqueEmail("decliner");
    const { id, token } = await invitedToken(ctx, owner.client, tenant.id, address);
    const response = await ctx.client().request("/auth/invitations/decline", { json: { token }, origin: null });
    expect(response.status).toBe(200);
    expect(await ctx.count("invitations", "id = $1 AND declined_at IS NOT NULL", [id])).toBe(1);
    expect(await ctx.count("audit_events", "action = 'invitation.declined' AND tenant_id = $1", [tenant.id])).toBe(1);
    const again = await ctx.client().request("/auth/invitations/decline", { json: { token }, origin: null });
    expect(await errorOf(again)).toEqual([400, "invalid_token"]);
    const accept = await ctx.client().request("/auth/invitations/accept", {
      json: { token, password: STRONG_PASSWORD, client: "api" },
      origin: null,
    });
    expect(await errorOf(accept)).toEqual([400, "invalid_token"]);
    expect(await ctx.count("users", "email = $1", [address])).toBe(0);
  });

  it("refuses malformed bodies", async () => {
    const before = await ctx.snapshot();
    const missing = await ctx.client().request("/auth/invitations/decline", { json: {}, origin: null });
    expect(await errorOf(missing)).toEqual([400, "invalid_request"]);
    const wrongType = await ctx.client().request("/auth/invitations/decline", { json: { token: 5 }, origin: null });
    expect(await errorOf(wrongType)).toEqual([400, "invalid_request"]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
