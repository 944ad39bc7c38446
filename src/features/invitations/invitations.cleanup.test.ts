// The scheduled cleanup purges invitations 30 days after they expired or were answered or revoked, and keeps the rest.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, testEnv } from "../../../test/helpers/auth.ts";
import { tenantWith } from "../../../test/helpers/invitations.ts";
import { withDatabase } from "../../db/client.ts";
import { purgeExpired } from "../cleanup/service.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

describe("cleanup of invitations", () => {
  it("removes long-expired, long-accepted, -declined and -revoked invitations and keeps pending and recent ones", async () => {
    const tenant = await tenantWith(ctx, []);
    const rows: Array<[string, string]> = [
      ["pending", "expires_at = now() + interval '7 days'"],
      ["recently-expired", "expires_at = now() - interval '29 days'"],
      ["old-expired", "expires_at = now() - interval '31 days'"],
      ["old-accepted", "accepted_at = now() - interval '31 days'"],
      ["old-declined", "declined_at = now() - interval '31 days'"],
      ["old-revoked", "revoked_at = now() - interval '31 days'"],
      ["recently-revoked", "revoked_at = now() - interval '1 day'"],
    ];
    for (const [hash, change] of rows) {
      const [row] = await ctx.sql<{ id: string }>(
        `INSERT INTO invitations (id, tenant_id, email, token_hash, expires_at)
         VALUES (gen_random_uuid(), $1, $2, $3, now() + interval '1 day') RETURNING id`,
        [tenant.id, `${hash}@example.com`, hash],
      );
      await ctx.sql(`UPDATE invitations SET ${change} WHERE id = $1`, [row?.id]);
      await ctx.sql("INSERT INTO invitation_roles (invitation_id, role_key) VALUES ($1, 'STAFF')", [row?.id]);
    }
    await withDatabase({ databaseUrl: ctx.databaseUrl, neonLocalRelay: testEnv.NEON_LOCAL_RELAY }, async (db) => {
      const report = await purgeExpired(db, { now: new Date(), lockoutFailures: 100 });
      expect(report.invitations).toBe(4);
    });
    const kept = await ctx.sql<{ token_hash: string }>("SELECT token_hash FROM invitations ORDER BY token_hash");
    expect(kept.map((row) => row.token_hash)).toEqual(["pending", "recently-expired", "recently-revoked"]);
    expect(await ctx.count("invitation_roles")).toBe(3);
  });
});
