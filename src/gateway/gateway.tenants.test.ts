// Issue 14: tenant routes. The slug comes from one host label or one path segment; the session's active
// tenant must be it — a browser member is switched transparently, a bearer member gets 403
// tenant_mismatch naming it, anyone else 403 forbidden — and the origin learns the tenant it was checked for.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
} from "../../test/helpers/auth.ts";
import type { TestClient } from "../../test/helpers/client.ts";
import { type Echo, newProbe, originSaw } from "../../test/helpers/gateway.ts";
import {
  activeTenantOf,
  addMember,
  insertTenant as createTenant,
  setActiveTenant,
} from "../../test/helpers/tenancy.ts";
import { claimsOf } from "../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
let acme: { id: string; slug: string };
let beta: { id: string; slug: string };
beforeAll(async () => {
  ctx = await setUpAuthTest();
  acme = await createTenant(ctx, "acme");
  beta = await createTenant(ctx, "beta");
});

const sub = (slug: string, path = "/items/1") => `http://${slug}.tenants.localhost${path}`;
const accessCookie = (client: TestClient) => client.cookies.get("__Host-portcullis_at") ?? "";
/** The gateway's own cookies the last response set (the echo origin sets some of its own). */
const sessionCookiesSet = (client: TestClient) =>
  client.lastSetCookies.map((cookie) => cookie.name).filter((name) => name.includes("portcullis"));

/** A browser whose user holds `roles` per tenant, with `active` as the session's active tenant. */
async function browserMember(roles: Array<[{ id: string }, string[]]>, active: { id: string }) {
  const email = uniqueEmail("member");
  const browser = await signUpBrowser(ctx, email);
  for (const [tenant, tenantRoles] of roles) await addMember(ctx, email, tenant.id, tenantRoles);
  await setActiveTenant(ctx, email, active.id);
  const refreshed = await browser.request("/auth/refresh", { method: "POST" });
  expect(refreshed.status).toBe(200);
  return { email, browser, sessionId: String(claimsOf(accessCookie(browser)).sid) };
}

/** An API client (bearer) in the same position. */
async function bearerMember(roles: Array<[{ id: string }, string[]]>, active: { id: string }) {
  const email = uniqueEmail("api-member");
  const api = await signUpApi(ctx, email);
  for (const [tenant, tenantRoles] of roles) await addMember(ctx, email, tenant.id, tenantRoles);
  await setActiveTenant(ctx, email, active.id);
  const response = await ctx
    .client()
    .request("/auth/refresh", { json: { refreshToken: api.refreshToken }, origin: null });
  expect(response.status).toBe(200);
  const { session } = (await response.json()) as { session: { accessToken: string } };
  return { email, accessToken: session.accessToken, sessionId: api.id };
}

describe("a member whose active tenant is the route's", () => {
  it("subdomain: is forwarded with the tenant headers and the assertion's tenant claims", async () => {
    const { browser } = await browserMember([[acme, ["STAFF"]]], acme);
    const response = await browser.request(sub(acme.slug));
    expect(response.status).toBe(200);
    expect(sessionCookiesSet(browser)).toEqual([]);
    const echo = (await response.json()) as Echo;
    expect(echo.headers["x-auth-tenant"]).toBe(acme.id);
    expect(echo.headers["x-auth-tenant-slug"]).toBe(acme.slug);
    expect(echo.headers["x-auth-roles"]).toBe("STAFF");
    expect(echo.assertion).toMatchObject({
      ok: true,
      claims: { tenant: acme.id, tenant_slug: acme.slug, roles: ["STAFF"], route: "tenant-sub" },
    });
  });

  it("path: /t/<slug>/… is forwarded the same way, bearer callers too", async () => {
    const member = await bearerMember([[acme, ["CUSTOMER"]]], acme);
    const response = await ctx.client().request(`/t/${acme.slug}/orders`, { bearer: member.accessToken });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.headers["x-auth-tenant-slug"]).toBe(acme.slug);
    expect(echo.headers["x-auth-roles"]).toBe("CUSTOMER");
    expect(echo.assertion).toMatchObject({
      ok: true,
      claims: { tenant: acme.id, tenant_slug: acme.slug, auth_src: "bearer", route: "tenant-path" },
    });
  });
});

describe("a request that names no valid tenant", () => {
  it("answers 404 not_found for a missing segment, a bad slug, several labels or a bad label", async () => {
    const { browser } = await browserMember([[acme, ["STAFF"]]], acme);
    const probe = newProbe();
    const urls = [
      "/t",
      "/t/",
      "/t/Not_A_Slug/x",
      `http://x.${acme.slug}.tenants.localhost/items`,
      "http://-bad-.tenants.localhost/items",
      "http://tenants.localhost/items",
    ];
    for (const url of urls) {
      const response = await browser.request(url, { headers: { "x-test-probe": probe } });
      expect([url, response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([
        url,
        404,
        "not_found",
      ]);
    }
    expect(await originSaw(probe)).toBe(false);
  });
});

describe("a member whose active tenant is another", () => {
  it("browser: is switched transparently (new access cookie, session row, origin sees the new tenant)", async () => {
    const { browser, sessionId } = await browserMember(
      [
        [acme, ["STAFF"]],
        [beta, ["CUSTOMER", "STAFF"]],
      ],
      beta,
    );
    expect(claimsOf(accessCookie(browser))).toMatchObject({ tenant: beta.id, roles: ["CUSTOMER", "STAFF"] });
    const response = await browser.request(sub(acme.slug, "/dashboard"));
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.headers["x-auth-tenant"]).toBe(acme.id);
    expect(echo.headers["x-auth-roles"]).toBe("STAFF");
    expect(echo.assertion).toMatchObject({ ok: true, claims: { tenant: acme.id, tenant_slug: acme.slug } });
    expect(sessionCookiesSet(browser)).toEqual(["__Host-portcullis_at"]);
    expect(claimsOf(accessCookie(browser))).toMatchObject({ tenant: acme.id, tenant_slug: acme.slug });
    expect(await activeTenantOf(ctx, sessionId)).toBe(acme.id);
    expect(await ctx.count("audit_events", "action = 'tenant.switched' AND tenant_id = $1::uuid", [acme.id])).toBe(1);
    // The next request carries the new token: no further switch.
    const again = await browser.request(`/t/${acme.slug}/x`);
    expect(again.status).toBe(200);
    expect(sessionCookiesSet(browser)).toEqual([]);
  });

  it("browser with an unusable access cookie: refreshed at the edge, then switched; the newest access cookie wins", async () => {
    const { browser, sessionId } = await browserMember(
      [
        [acme, ["STAFF"]],
        [beta, ["STAFF"]],
      ],
      beta,
    );
    browser.cookies.set("__Host-portcullis_at", "not.a.token");
    const response = await browser.request(sub(acme.slug));
    expect(response.status).toBe(200);
    expect(((await response.json()) as Echo).headers["x-auth-tenant"]).toBe(acme.id);
    // One access cookie (the switched one) and the rotated refresh cookie.
    expect(sessionCookiesSet(browser).sort()).toEqual(["__Host-portcullis_at", "__Host-portcullis_rt"]);
    expect(claimsOf(accessCookie(browser))).toMatchObject({ tenant: acme.id, tenant_slug: acme.slug });
    expect(await activeTenantOf(ctx, sessionId)).toBe(acme.id);
    expect((await browser.request("/auth/session")).status).toBe(200);
  });

  it("bearer: answers 403 tenant_mismatch naming the tenant, and switches nothing", async () => {
    const member = await bearerMember(
      [
        [acme, ["STAFF"]],
        [beta, ["STAFF"]],
      ],
      beta,
    );
    const probe = newProbe();
    const response = await ctx.client().request(sub(acme.slug), {
      bearer: member.accessToken,
      headers: { "x-test-probe": probe },
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; message: string; tenant: string } };
    expect(body.error).toMatchObject({ code: "tenant_mismatch", tenant: acme.slug });
    expect(await activeTenantOf(ctx, member.sessionId)).toBe(beta.id);
    expect(await originSaw(probe)).toBe(false);
  });
});

describe("a caller who is not a member", () => {
  it("answers 403 forbidden alike for another tenant and for no such tenant, for browsers and bearers", async () => {
    const { browser, sessionId } = await browserMember([[beta, ["STAFF"]]], beta);
    const api = await signUpApi(ctx);
    const probe = newProbe();
    const bodies: unknown[] = [];
    for (const slug of [acme.slug, "no-such-tenant"]) {
      for (const send of [
        () => browser.request(sub(slug), { headers: { "x-test-probe": probe } }),
        () => browser.request(`/t/${slug}/x`, { headers: { "x-test-probe": probe } }),
        () => ctx.client().request(sub(slug), { bearer: api.accessToken, headers: { "x-test-probe": probe } }),
      ]) {
        const response = await send();
        expect(response.status).toBe(403);
        bodies.push(await response.json());
      }
    }
    expect(new Set(bodies.map((body) => JSON.stringify(body)))).toEqual(
      new Set([JSON.stringify({ error: { code: "forbidden", message: "You do not have access to this resource." } })]),
    );
    expect(await activeTenantOf(ctx, sessionId)).toBe(beta.id);
    expect(await originSaw(probe)).toBe(false);
  });

  it("a suspended membership or a suspended tenant does not count", async () => {
    const gamma = await createTenant(ctx, "gamma");
    const { browser, email } = await browserMember(
      [
        [beta, ["STAFF"]],
        [gamma, ["STAFF"]],
      ],
      beta,
    );
    await ctx.sql("UPDATE tenants SET status = 'SUSPENDED' WHERE id = $1::uuid", [gamma.id]);
    expect((await browser.request(sub(gamma.slug))).status).toBe(403);
    await ctx.sql(
      "UPDATE memberships SET status = 'SUSPENDED' WHERE tenant_id = $1::uuid AND user_id = (SELECT id FROM users WHERE email = $2)",
      [acme.id, email],
    );
    expect((await browser.request(sub(acme.slug))).status).toBe(403);
  });
});

describe("the roles policy reads the active tenant's roles", () => {
  it("a role held in another tenant does not count; the route's tenant's role does", async () => {
    const { browser } = await browserMember(
      [
        [acme, ["CUSTOMER"]],
        [beta, ["STAFF"]],
      ],
      beta,
    );
    const denied = await browser.request(sub(acme.slug));
    expect([denied.status, ((await denied.json()) as ErrorBody).error.code]).toEqual([403, "forbidden"]);
    // The switch itself happened (acme is a tenant of the user's); only the policy refused.
    expect(claimsOf(accessCookie(browser)).roles).toEqual(["CUSTOMER"]);
    const allowed = await browser.request(sub(beta.slug));
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as Echo).headers["x-auth-roles"]).toBe("STAFF");
  });
});

describe("tenant identity headers cannot be spoofed", () => {
  it("strips client-sent X-Auth-Tenant and X-Auth-Tenant-Slug (any case, _ for -) on tenant and other routes", async () => {
    const { browser } = await browserMember([[acme, ["STAFF"]]], acme);
    const spoofed = {
      "x-auth-tenant": beta.id,
      "X-Auth-Tenant-Slug": beta.slug,
      x_auth_tenant_slug: beta.slug,
      "X-AUTH-TENANT_SLUG": beta.slug,
    };
    const onTenant = (await (await browser.request(sub(acme.slug), { headers: spoofed })).json()) as Echo;
    expect(onTenant.headers["x-auth-tenant"]).toBe(acme.id);
    expect(onTenant.headers["x-auth-tenant-slug"]).toBe(acme.slug);
    expect(onTenant.rawHeaderNames.filter((name) => /tenant/i.test(name)).map((n) => n.toLowerCase())).toEqual([
      "x-auth-tenant",
      "x-auth-tenant-slug",
    ]);
    // No active tenant in a fresh API session: nothing tenant-like reaches the origin at all.
    const api = await signUpApi(ctx);
    const plain = (await (
      await ctx.client().request("/items", { bearer: api.accessToken, headers: spoofed })
    ).json()) as Echo;
    expect(plain.rawHeaderNames.filter((name) => /tenant/i.test(name))).toEqual([]);
    expect(plain.assertion).toMatchObject({ ok: true });
    expect((plain.assertion as { claims: Record<string, unknown> }).claims.tenant_slug).toBeUndefined();
  });
});
