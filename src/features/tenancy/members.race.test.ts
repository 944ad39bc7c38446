// Issue 14: the last-owner rule holds when owners act at the same moment: every change that can take
// OWNER away runs under the tenant's row lock, so two owners never leave zero between them.
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
import { addMemberDirect, createTenant, uniqueSlug } from "../../../test/helpers/tenancy.ts";

let ctx: AuthTestContext;
type Owner = { client: TestClient; id: string };
let a: Owner;
let b: Owner;
beforeAll(async () => {
  ctx = await setUpAuthTest();
  const owner = async () => {
    const email = uniqueEmail("owner");
    const client = await signUpBrowser(ctx, email);
    await enrollTotp(client);
    return { client, id: await userIdOf(ctx, email) };
  };
  a = await owner();
  b = await owner();
});

/** A fresh tenant owned by both (each with a current token). */
async function twoOwnerTenant(): Promise<string> {
  for (const owner of [a, b]) expect((await owner.client.request("/auth/refresh", { json: {} })).status).toBe(200);
  const { tenant } = await createTenant(a.client, uniqueSlug("duo"));
  await addMemberDirect(ctx, { tenantId: tenant.id, userId: b.id, roles: ["OWNER"] });
  return tenant.id;
}

const owners = (tenantId: string) =>
  ctx.count(
    "memberships m JOIN membership_roles r ON r.membership_id = m.id",
    "m.tenant_id = $1 AND r.role_key = 'OWNER'",
    [tenantId],
  );
const demote = (actor: Owner, tenantId: string, target: Owner) =>
  actor.client.request(`/auth/tenants/${tenantId}/members/${target.id}`, {
    method: "PATCH",
    json: { roles: ["STAFF"] },
  });

describe("last owner under concurrency", () => {
  it("two owners demoting each other at once: one wins, the other is no longer an owner (403), one owner stays", async () => {
    for (let round = 0; round < 3; round++) {
      const tenantId = await twoOwnerTenant();
      const answers = await Promise.all([demote(a, tenantId, b), demote(b, tenantId, a)]);
      const outcomes = await Promise.all(answers.map((r) => (r.status === 200 ? [200, "ok"] : errorOf(r))));
      expect(outcomes.sort()).toEqual([
        [200, "ok"],
        [403, "forbidden"],
      ]);
      expect(await owners(tenantId)).toBe(1);
    }
  });

  it("two owners demoting themselves at once: one is refused with 409 last_owner", async () => {
    for (let round = 0; round < 3; round++) {
      const tenantId = await twoOwnerTenant();
      const answers = await Promise.all([demote(a, tenantId, a), demote(b, tenantId, b)]);
      const outcomes = await Promise.all(answers.map((r) => (r.status === 200 ? [200, "ok"] : errorOf(r))));
      expect(outcomes.sort()).toEqual([
        [200, "ok"],
        [409, "last_owner"],
      ]);
      expect(await owners(tenantId)).toBe(1);
    }
  });

  it("two owners leaving or removing each other at once never leave the tenant without an owner", async () => {
    const tenantId = await twoOwnerTenant();
    const leave = (owner: Owner) => owner.client.request(`/auth/tenants/${tenantId}/leave`, { method: "POST" });
    const answers = await Promise.all([leave(a), leave(b)]);
    const outcomes = await Promise.all(answers.map((r) => (r.status === 200 ? [200, "ok"] : errorOf(r))));
    expect(outcomes.sort()).toEqual([
      [200, "ok"],
      [409, "last_owner"],
    ]);
    expect(await owners(tenantId)).toBe(1);

    const other = await twoOwnerTenant();
    const remove = (actor: Owner, target: Owner) =>
      actor.client.request(`/auth/tenants/${other}/members/${target.id}`, { method: "DELETE" });
    const removals = await Promise.all([remove(a, b), remove(b, a)]);
    // The loser was removed first: no longer a member, it gets what a stranger gets.
    expect(removals.map((r) => r.status).sort()).toEqual([204, 404]);
    expect(await owners(other)).toBe(1);
  });
});
