// Issue 14: creating a tenant, listing the caller's tenants, switching the active one, and the access
// token claims (tenant, tenant_slug, roles, mep, mfa_enroll) that follow each step.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { enrollTotp, errorOf, json } from "../../../test/helpers/second-factors.ts";
import { createTenant, uniqueSlug } from "../../../test/helpers/tenancy.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";
import { workerWith } from "../../../test/helpers/worker.ts";

let ctx: AuthTestContext;
let noMfa: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
  noMfa = await setUpAuthTest({ REQUIRE_MFA_ROLES: "" });
});

const accessCookie = (client: TestClient) => claimsOf(client.cookies.get("__Host-portcullis_at") ?? "");

async function ownerWithTotp(): Promise<{ client: TestClient; email: string }> {
  const email = uniqueEmail("owner");
  const client = await signUpBrowser(ctx, email);
  await enrollTotp(client);
  return { client, email };
}

type Listed = { tenants: Array<{ tenant: { id: string; slug: string }; roles: string[]; active: boolean }> };

describe("creating a tenant", () => {
  it("makes the creator its OWNER, switches the browser session to it and audits it", async () => {
    const { client, email } = await ownerWithTotp();
    const slug = uniqueSlug("acme");
    const response = await client.request("/auth/tenants", { json: { slug, name: "  Acme Inc.  " } });
    expect(response.status).toBe(201);
    const body = await json<Record<string, unknown> & { tenant: { id: string } }>(response);
    expect(body).toMatchObject({
      tenant: { slug, name: "Acme Inc.", status: "ACTIVE" },
      roles: ["OWNER"],
      session: { switched: true, activeTenant: { slug }, roles: ["OWNER"], mfaEnrollmentRequired: false },
    });
    expect(body.session).not.toHaveProperty("accessToken");
    const userId = await userIdOf(ctx, email);
    const claims = accessCookie(client);
    expect(claims).toMatchObject({ tenant: body.tenant.id, tenant_slug: slug, roles: ["OWNER"], mep: 1 });
    expect(claims).not.toHaveProperty("mfa_enroll");
    expect(await ctx.count("tenants", "id = $1 AND created_by_id = $2", [body.tenant.id, userId])).toBe(1);
    expect(
      await ctx.count(
        "audit_events",
        "action = 'tenant.created' AND user_id = $1 AND actor_id = $1 AND tenant_id = $2",
        [userId, body.tenant.id],
      ),
    ).toBe(1);

    const listed = await json<Listed>(await client.request("/auth/tenants"));
    expect(listed.tenants).toEqual([
      {
        tenant: { id: body.tenant.id, slug, name: "Acme Inc.", status: "ACTIVE" },
        roles: ["OWNER"],
        status: "ACTIVE",
        active: true,
      },
    ]);
    const session = await json<Record<string, unknown>>(await client.request("/auth/session"));
    expect(session).toMatchObject({
      memberships: [{ tenant: { id: body.tenant.id, slug, name: "Acme Inc." }, roles: ["OWNER"], status: "ACTIVE" }],
      activeTenant: { id: body.tenant.id, slug, name: "Acme Inc." },
    });
  });

  it("a new OWNER without a second factor gets a token that waits for enrollment; enrolling brings the powers", async () => {
    const client = await signUpBrowser(ctx);
    const { body } = await createTenant(client, uniqueSlug("nofactor"));
    expect(body.session).toMatchObject({ switched: true, roles: [], mfaEnrollmentRequired: true });
    const claims = accessCookie(client);
    expect(claims).toMatchObject({ roles: [], mfa_enroll: true });
    expect(claims).not.toHaveProperty("tenant");
    expect(await errorOf(await client.request(`/auth/tenants/${(body.tenant as { id: string }).id}/members`))).toEqual([
      403,
      "mfa_enrollment_required",
    ]);
    await enrollTotp(client);
    expect((await client.request("/auth/refresh", { json: {} })).status).toBe(200);
    expect(accessCookie(client)).toMatchObject({ tenant: (body.tenant as { id: string }).id, roles: ["OWNER"] });
    expect(accessCookie(client)).not.toHaveProperty("mfa_enroll");
  });

  it("an API client gets the new token in the body; the token from before the creation is refused", async () => {
    const api = await signUpApi(noMfa);
    const client = noMfa.client();
    const { tenant, body } = await createTenant(client, uniqueSlug("api"), { bearer: api.accessToken });
    const token = (body.session as { accessToken: string; tokenType: string }).accessToken;
    expect(body.session).toMatchObject({ tokenType: "Bearer", roles: ["OWNER"], mfaEnrollmentRequired: false });
    expect(claimsOf(token)).toMatchObject({ tenant: tenant.id, tenant_slug: tenant.slug, roles: ["OWNER"], mep: 1 });
    const old = await client.request("/auth/session", { bearer: api.accessToken });
    expect([old.status, old.headers.get("www-authenticate")]).toEqual([401, 'Bearer error="invalid_token"']);
    expect((await client.request("/auth/session", { bearer: token })).status).toBe(200);
    // The refresh token carries the session, and the session its active tenant.
    const refreshed = await client.request("/auth/refresh", { json: { refreshToken: api.refreshToken }, origin: null });
    const next = (await json<{ session: { accessToken: string } }>(refreshed)).session.accessToken;
    expect(claimsOf(next)).toMatchObject({ tenant: tenant.id, roles: ["OWNER"], mep: 1 });
  });

  it("refuses a slug that is taken (409 slug_taken) and changes nothing", async () => {
    const { client } = await ownerWithTotp();
    const slug = uniqueSlug("taken");
    await createTenant(client, slug);
    const other = await ownerWithTotp();
    const before = await ctx.snapshot();
    expect(await errorOf(await other.client.request("/auth/tenants", { json: { slug, name: "Copy" } }))).toEqual([
      409,
      "slug_taken",
    ]);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("limits the tenants one user creates to MAX_TENANTS_PER_USER, also when the requests race", async () => {
    const limited = await setUpAuthTest({ REQUIRE_MFA_ROLES: "", MAX_TENANTS_PER_USER: "2" });
    const email = uniqueEmail("limited");
    const client = await signUpBrowser(limited, email);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.request("/auth/tenants", { json: { slug: uniqueSlug("race"), name: "R" } }),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409]);
    for (const refused of answers.filter((r) => r.status === 409))
      expect(await errorOf(refused)).toEqual([409, "tenant_limit_reached"]);
    expect(await limited.count("tenants", "created_by_id = $1", [await userIdOf(limited, email)])).toBe(2);
  });

  it("with REQUIRE_EMAIL_VERIFICATION on, an unverified address cannot create a tenant (403 email_not_verified)", async () => {
    const api = await signUpApi(noMfa);
    const strict = workerWith({ ...noMfa.worker.env, REQUIRE_EMAIL_VERIFICATION: "true" });
    const create = () =>
      strict.fetch("/auth/tenants", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${api.accessToken}` },
        body: JSON.stringify({ slug: uniqueSlug("verify"), name: "Verified Co" }),
      });
    const before = await noMfa.snapshot();
    expect(await errorOf(await create())).toEqual([403, "email_not_verified"]);
    expect(await noMfa.snapshot()).toEqual(before);
    await noMfa.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [api.email]);
    expect((await create()).status).toBe(201);
  });
});

describe("switching the active tenant", () => {
  it("issues a token for the chosen membership; GET /auth/tenants flags the active one", async () => {
    const api = await signUpApi(noMfa);
    const client = noMfa.client();
    const first = await createTenant(client, uniqueSlug("one"), { bearer: api.accessToken });
    const token = (first.body.session as { accessToken: string }).accessToken;
    const second = await createTenant(client, uniqueSlug("two"), { bearer: token });
    const latest = (second.body.session as { accessToken: string }).accessToken;
    expect(claimsOf(latest)).toMatchObject({ tenant: second.tenant.id, mep: 2 });

    const response = await client.request(`/auth/tenants/${first.tenant.id}/switch`, {
      method: "POST",
      bearer: latest,
      origin: null,
    });
    expect(response.status).toBe(200);
    const body = await json<{ tenant: unknown; roles: string[]; accessToken: string; accessTokenExpiresAt: string }>(
      response,
    );
    expect(body).toMatchObject({
      tenant: { id: first.tenant.id, slug: first.tenant.slug },
      roles: ["OWNER"],
      tokenType: "Bearer",
    });
    expect(Date.parse(body.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    expect(claimsOf(body.accessToken)).toMatchObject({
      tenant: first.tenant.id,
      tenant_slug: first.tenant.slug,
      roles: ["OWNER"],
    });
    const listed = await json<Listed>(await client.request("/auth/tenants", { bearer: body.accessToken }));
    expect(listed.tenants.map((m) => [m.tenant.id, m.active])).toEqual([
      [first.tenant.id, true],
      [second.tenant.id, false],
    ]);
  });

  it("answers a tenant the caller is not a member of exactly like an unknown one (404 tenant_not_found)", async () => {
    const owner = await signUpBrowser(noMfa);
    const { tenant } = await createTenant(owner, uniqueSlug("private"));
    const stranger = await signUpBrowser(noMfa);
    const tokenBefore = stranger.cookies.get("__Host-portcullis_at");
    const foreign = await stranger.request(`/auth/tenants/${tenant.id}/switch`, { method: "POST" });
    const unknown = await stranger.request(`/auth/tenants/${crypto.randomUUID()}/switch`, { method: "POST" });
    const [a, b] = [await json(foreign), await json(unknown)];
    expect([foreign.status, unknown.status]).toEqual([404, 404]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ error: { code: "tenant_not_found" } });
    expect(stranger.cookies.get("__Host-portcullis_at")).toBe(tokenBefore);
    expect(await json(await stranger.request("/auth/session"))).toMatchObject({ memberships: [], activeTenant: null });
    expect(await json(await stranger.request("/auth/tenants"))).toEqual({ tenants: [] });
    expect(
      await noMfa.count(
        "sessions",
        "active_tenant_id = $1 AND user_id <> (SELECT created_by_id FROM tenants WHERE id = $1)",
        [tenant.id],
      ),
    ).toBe(0);
  });
});
