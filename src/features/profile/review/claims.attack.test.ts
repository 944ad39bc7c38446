// Review of issue 15 (profile claims): a username is an identifier origins key on. Once a user gives one
// up and someone else takes it, no token of the first user may still carry it through the gateway, on
// any of their sessions: two callers would reach the origin as the same X-Auth-Username.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../../test/helpers/auth.ts";
import type { Echo } from "../../../../test/helpers/gateway.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const handle = () => `h${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

async function usernameSeenBy(client: ReturnType<AuthTestContext["client"]>): Promise<unknown> {
  const response = await client.request("/profiled/page", { headers: { accept: "application/json" } });
  if (response.status !== 200) return `status ${response.status}`;
  return ((await response.json()) as Echo).headers["x-auth-username"];
}

describe("a username given up and taken by another user", () => {
  it("no longer reaches an origin from the first user's other sessions", async () => {
    const email = uniqueEmail("claims-a");
    const laptop = await signUpBrowser(ctx, email);
    const old = handle();
    expect((await laptop.request("/auth/profile", { method: "PATCH", json: { username: old } })).status).toBe(200);

    // A second session of the same user, signed in while the old username was theirs.
    const phone = ctx.client();
    expect((await phone.request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).status).toBe(200);
    expect(await usernameSeenBy(phone)).toBe(old);

    const renamed = handle();
    expect((await laptop.request("/auth/profile", { method: "PATCH", json: { username: renamed } })).status).toBe(200);
    const other = await signUpBrowser(ctx, uniqueEmail("claims-b"));
    expect((await other.request("/auth/profile", { method: "PATCH", json: { username: old } })).status).toBe(200);
    expect(await usernameSeenBy(other)).toBe(old);

    // The phone's access token is still within its lifetime: the edge must not forward its stale claim.
    expect(await usernameSeenBy(phone)).toBe(renamed);
  });
});
