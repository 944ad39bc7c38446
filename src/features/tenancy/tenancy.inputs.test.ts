// Issue 14: bad input to the tenant routes is answered with 400 (or 415) and its code, and changes
// nothing; a cross-site cookie request is refused by the Origin check.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { enrollTotp, errorOf } from "../../../test/helpers/second-factors.ts";
import { addMemberDirect, type CreatedTenant, createTenant, uniqueSlug } from "../../../test/helpers/tenancy.ts";

let ctx: AuthTestContext;
let owner: TestClient;
let tenant: CreatedTenant;
let memberId: string;
beforeAll(async () => {
  ctx = await setUpAuthTest();
  owner = await signUpBrowser(ctx);
  await enrollTotp(owner);
  tenant = (await createTenant(owner, uniqueSlug("inputs"))).tenant;
  const email = uniqueEmail("member");
  await signUpBrowser(ctx, email);
  memberId = await userIdOf(ctx, email);
  await addMemberDirect(ctx, { tenantId: tenant.id, userId: memberId, roles: ["CUSTOMER"] });
});

/** Sends `send`, expects [status, code] and no change to any table. */
async function refusedWithoutChange(send: () => Promise<Response>, expected: [number, string]) {
  const before = await ctx.snapshot();
  expect(await errorOf(await send())).toEqual(expected);
  expect(await ctx.snapshot()).toEqual(before);
}

const createWith = (body: string, contentType = "application/json") =>
  owner.request("/auth/tenants", { method: "POST", body, headers: { "content-type": contentType } });

describe("POST /auth/tenants input", () => {
  it("refuses malformed JSON, another media type, wrong types, missing and extra fields", async () => {
    await refusedWithoutChange(() => createWith('{"slug": "acme",'), [400, "invalid_json"]);
    await refusedWithoutChange(
      () => createWith("slug=acme&name=Acme", "application/x-www-form-urlencoded"),
      [415, "unsupported_media_type"],
    );
    for (const body of [
      { slug: 42, name: "Acme" },
      { slug: "acme-1", name: ["Acme"] },
      { slug: "acme-2" },
      { name: "Acme" },
      { slug: "acme-3", name: "Acme", status: "SUSPENDED" },
      { slug: "acme-4", name: "Acme", createdById: memberId },
      [],
      null,
    ])
      await refusedWithoutChange(() => createWith(JSON.stringify(body)), [400, "invalid_request"]);
  });

  it("refuses bad and reserved slugs and names that are empty, too long or disguised", async () => {
    for (const slug of [
      "",
      "Acme",
      "-acme",
      "acme-",
      "ac.me",
      "ac_me",
      "café",
      "xn--caf-dma",
      "a".repeat(64),
      "www",
      "admin",
      "auth",
      "api",
    ])
      await refusedWithoutChange(() => createWith(JSON.stringify({ slug, name: "Acme" })), [400, "invalid_request"]);
    for (const name of ["", "   ", "n".repeat(101), "Acme\u0000", "Acme\u202eevil", "line\nbreak"])
      await refusedWithoutChange(
        () => createWith(JSON.stringify({ slug: uniqueSlug("n"), name })),
        [400, "invalid_request"],
      );
  });

  it("refuses a cross-site cookie request (403 csrf_rejected)", async () => {
    await refusedWithoutChange(
      () =>
        owner.request("/auth/tenants", {
          json: { slug: uniqueSlug("csrf"), name: "X" },
          origin: "https://evil.example",
        }),
      [403, "csrf_rejected"],
    );
  });
});

describe("member routes input", () => {
  const patch = (json: unknown, userId = memberId, tenantId = tenant.id) =>
    owner.request(`/auth/tenants/${tenantId}/members/${userId}`, { method: "PATCH", json });

  it("refuses unknown roles and a platform role given as a tenant role (400 unknown_role)", async () => {
    for (const roles of [["NOT_A_ROLE"], ["STAFF", "NOT_A_ROLE"], ["PLATFORM_ADMIN"], ["OWNER", "PLATFORM_ADMIN"]])
      await refusedWithoutChange(() => patch({ roles }), [400, "unknown_role"]);
  });

  it("refuses empty, malformed, oversized and extra role input (400 invalid_request)", async () => {
    for (const body of [
      { roles: [] },
      { roles: "STAFF" },
      { roles: ["staff"] },
      { roles: [1] },
      { roles: Array.from({ length: 17 }, (_, i) => `ROLE_${i}`) },
      { roles: ["STAFF"], status: "ACTIVE" },
      {},
    ])
      await refusedWithoutChange(() => patch(body), [400, "invalid_request"]);
    await refusedWithoutChange(
      () =>
        owner.request(`/auth/tenants/${tenant.id}/members/${memberId}`, {
          method: "PATCH",
          body: "{",
          headers: { "content-type": "application/json" },
        }),
      [400, "invalid_json"],
    );
  });

  it("refuses ids that are not UUIDs on every tenant route (400 invalid_request)", async () => {
    for (const bad of ["1", "acme", "00000000-0000-0000-0000-00000000000g", "%27%20OR%201=1"]) {
      await refusedWithoutChange(
        () => owner.request(`/auth/tenants/${bad}/switch`, { method: "POST" }),
        [400, "invalid_request"],
      );
      await refusedWithoutChange(() => owner.request(`/auth/tenants/${bad}/members`), [400, "invalid_request"]);
      await refusedWithoutChange(
        () => owner.request(`/auth/tenants/${bad}/leave`, { method: "POST" }),
        [400, "invalid_request"],
      );
      await refusedWithoutChange(() => patch({ roles: ["STAFF"] }, memberId, bad), [400, "invalid_request"]);
      await refusedWithoutChange(() => patch({ roles: ["STAFF"] }, bad), [400, "invalid_request"]);
      await refusedWithoutChange(
        () => owner.request(`/auth/tenants/${tenant.id}/members/${bad}`, { method: "DELETE" }),
        [400, "invalid_request"],
      );
    }
  });

  it("refuses a bad cursor or page size", async () => {
    for (const query of ["cursor=abc", "limit=0", "limit=101", "limit=ten", "page=2"])
      expect(await errorOf(await owner.request(`/auth/tenants/${tenant.id}/members?${query}`))).toEqual([
        400,
        "invalid_request",
      ]);
  });

  it("answers every tenant route without a session with 401", async () => {
    const anonymous = ctx.client();
    for (const [method, path] of [
      ["GET", "/auth/tenants"],
      ["POST", `/auth/tenants/${tenant.id}/switch`],
      ["GET", `/auth/tenants/${tenant.id}/members`],
      ["DELETE", `/auth/tenants/${tenant.id}/members/${memberId}`],
      ["POST", `/auth/tenants/${tenant.id}/leave`],
    ] as const)
      expect([path, ...(await errorOf(await anonymous.request(path, { method })))]).toEqual([
        path,
        401,
        "unauthenticated",
      ]);
  });
});
