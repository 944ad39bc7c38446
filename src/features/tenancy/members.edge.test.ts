// Issue 14: a role change reaches the edge at once. A token issued before it is refused (bearer: 401
// on the API and at the gateway); a browser's cookie session is refreshed at the gateway and the origin
// sees the new roles in X-Auth-Roles.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { Echo } from "../../../test/helpers/gateway.ts";
import { enrollTotp, errorOf, json } from "../../../test/helpers/second-factors.ts";
import { addMemberDirect, createTenant, uniqueSlug } from "../../../test/helpers/tenancy.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function ownedTenant() {
  const owner = await signUpBrowser(ctx);
  await enrollTotp(owner);
  const { tenant } = await createTenant(owner, uniqueSlug("edge"));
  return { owner, tenant };
}

const setRoles = (
  owner: Awaited<ReturnType<typeof ownedTenant>>["owner"],
  tenantId: string,
  userId: string,
  roles: string[],
) => owner.request(`/auth/tenants/${tenantId}/members/${userId}`, { method: "PATCH", json: { roles } });

describe("a role change at the edge", () => {
  it("a browser's older cookie is refreshed at the gateway: the origin sees the new roles at once", async () => {
    const { owner, tenant } = await ownedTenant();
    const email = uniqueEmail("staff");
    const member = await signUpBrowser(ctx, email);
    const memberId = await userIdOf(ctx, email);
    await addMemberDirect(ctx, { tenantId: tenant.id, userId: memberId, roles: ["STAFF"] });
    expect((await member.request(`/auth/tenants/${tenant.id}/switch`, { method: "POST" })).status).toBe(200);
    const seen = await json<Echo>(await member.request("/items/1"));
    expect(seen.headers["x-auth-roles"]).toBe("STAFF");
    const before = member.cookies.get("__Host-portcullis_at");

    expect((await setRoles(owner, tenant.id, memberId, ["CUSTOMER"])).status).toBe(200);
    const after = await member.request("/items/1");
    expect(after.status).toBe(200);
    expect((await json<Echo>(after)).headers["x-auth-roles"]).toBe("CUSTOMER");
    const renewed = member.cookies.get("__Host-portcullis_at") ?? "";
    expect(renewed).not.toBe(before);
    expect(claimsOf(renewed)).toMatchObject({ tenant: tenant.id, roles: ["CUSTOMER"] });

    // Removed: the next request is refreshed again and carries neither the tenant nor its roles.
    expect((await owner.request(`/auth/tenants/${tenant.id}/members/${memberId}`, { method: "DELETE" })).status).toBe(
      204,
    );
    const removed = await json<Echo>(await member.request("/items/1"));
    expect(removed.headers["x-auth-roles"] ?? "").toBe("");
    expect(claimsOf(member.cookies.get("__Host-portcullis_at") ?? "")).not.toHaveProperty("tenant");
  });

  it("a bearer token issued before the change is refused on /auth/session and at the gateway (401 invalid_token)", async () => {
    const { owner, tenant } = await ownedTenant();
    const api = await signUpApi(ctx);
    const memberId = await userIdOf(ctx, api.email);
    await addMemberDirect(ctx, { tenantId: tenant.id, userId: memberId, roles: ["STAFF"] });
    const client = ctx.client();
    const switched = await client.request(`/auth/tenants/${tenant.id}/switch`, {
      method: "POST",
      bearer: api.accessToken,
      origin: null,
    });
    const token = (await json<{ accessToken: string }>(switched)).accessToken;
    expect(claimsOf(token)).toMatchObject({ roles: ["STAFF"], mep: 0 });
    expect((await client.request("/items/1", { bearer: token })).status).toBe(200);

    expect((await setRoles(owner, tenant.id, memberId, ["STAFF", "CUSTOMER"])).status).toBe(200);
    const refused = await client.request("/auth/session", { bearer: token });
    expect([refused.status, refused.headers.get("www-authenticate")]).toEqual([401, 'Bearer error="invalid_token"']);
    expect(await errorOf(await client.request("/items/1", { bearer: token }))).toEqual([401, "unauthenticated"]);
    const refreshed = await client.request("/auth/refresh", { json: { refreshToken: api.refreshToken }, origin: null });
    const next = (await json<{ session: { accessToken: string } }>(refreshed)).session.accessToken;
    expect(claimsOf(next)).toMatchObject({ tenant: tenant.id, roles: ["CUSTOMER", "STAFF"], mep: 1 });
    const echo = await json<Echo>(await client.request("/items/1", { bearer: next }));
    expect(echo.headers["x-auth-roles"]).toBe("CUSTOMER,STAFF");
  });
});
