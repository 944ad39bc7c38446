// GET /auth/session reads the user, the memberships and the inbox's unread count in one statement: the
// answer must still be what the three separate reads gave (order, active flag, suspended members, counts).
import { v7 as uuidv7 } from "uuid";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import { addMember, insertTenant, setActiveTenant } from "../../../test/helpers/tenancy.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type SessionBody = {
  user: { id: string; email: string };
  memberships: Array<{ tenant: { id: string; slug: string }; roles: string[]; status: string }>;
  activeTenant: { id: string } | null;
  notifications: { unreadCount: number };
};

describe("GET /auth/session", () => {
  it("lists the memberships oldest first with their roles and status, the active tenant and the unread count", async () => {
    const email = uniqueEmail("view");
    const client = await signUpBrowser(ctx, email);
    const userId = await userIdOf(ctx, email);
    const joined = [await insertTenant(ctx, "zeta"), await insertTenant(ctx, "alpha"), await insertTenant(ctx, "mid")];
    await addMember(ctx, email, joined[0]?.id ?? "", ["STAFF"]);
    await addMember(ctx, email, joined[1]?.id ?? "", ["OWNER", "STAFF"]);
    await addMember(ctx, email, joined[2]?.id ?? "", ["STAFF"]);
    await ctx.sql("UPDATE memberships SET status = 'SUSPENDED' WHERE tenant_id = $1 AND user_id = $2", [
      joined[2]?.id,
      userId,
    ]);
    await setActiveTenant(ctx, email, joined[1]?.id ?? "");
    const unread = await ctx.count("notifications", "user_id = $1 AND read_at IS NULL", [userId]);
    for (const readAt of [null, null, "now()"]) {
      await ctx.sql(
        `INSERT INTO notifications (id, user_id, type, data, read_at) VALUES ($1, $2, 'PASSWORD_CHANGED', '{}', ${readAt ?? "NULL"})`,
        [uuidv7(), userId],
      );
    }

    const response = await client.request("/auth/session");
    expect(response.status).toBe(200);
    const body = (await response.json()) as SessionBody;
    expect(body.user).toMatchObject({ id: userId, email });
    expect(body.memberships).toEqual([
      { tenant: expect.objectContaining({ id: joined[0]?.id }), roles: ["STAFF"], status: "ACTIVE" },
      { tenant: expect.objectContaining({ id: joined[1]?.id }), roles: ["OWNER", "STAFF"], status: "ACTIVE" },
      { tenant: expect.objectContaining({ id: joined[2]?.id }), roles: ["STAFF"], status: "SUSPENDED" },
    ]);
    expect(body.activeTenant?.id).toBe(joined[1]?.id);
    expect(body.notifications.unreadCount).toBe(unread + 2);
    // The same memberships, in the same order, as GET /auth/tenants lists them.
    const tenants = (await (await client.request("/auth/tenants")).json()) as {
      tenants: Array<{ tenant: { id: string } }>;
    };
    expect(tenants.tenants.map((entry) => entry.tenant.id)).toEqual(body.memberships.map((entry) => entry.tenant.id));
  });

  it("answers a user with no memberships and an empty inbox with empty values, not nulls", async () => {
    const email = uniqueEmail("alone");
    const client = await signUpBrowser(ctx, email);
    const userId = await userIdOf(ctx, email);
    await ctx.sql("DELETE FROM notifications WHERE user_id = $1", [userId]);
    const body = (await (await client.request("/auth/session")).json()) as SessionBody;
    expect(body.memberships).toEqual([]);
    expect(body.activeTenant).toBeNull();
    expect(body.notifications.unreadCount).toBe(0);
  });
});
