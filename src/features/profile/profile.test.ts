// PATCH /auth/profile: the display name, with signup's rule for it.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const nameOf = async (email: string) =>
  (await ctx.sql<{ name: string | null }>("SELECT name FROM users WHERE email = $1", [email]))[0]?.name;

describe("PATCH /auth/profile", () => {
  it("sets the trimmed name and audits it", async () => {
    const email = uniqueEmail("profile");
    const client = await signUpBrowser(ctx, email);
    const response = await client.request("/auth/profile", { method: "PATCH", json: { name: "  Grace Hopper " } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "changed", name: "Grace Hopper" });
    expect(await nameOf(email)).toBe("Grace Hopper");
    const [audit] = await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events a JOIN users u ON u.id = a.user_id WHERE u.email = $1 AND a.action = 'profile.name_changed'",
      [email],
    );
    expect(audit?.n).toBe(1);
  });

  it("answers bad names with 400 invalid_request, no session with 401, and changes nothing", async () => {
    const email = uniqueEmail("profilebad");
    const client = await signUpBrowser(ctx, email);
    const before = await ctx.snapshot();
    for (const json of [
      {},
      { name: "" },
      { name: " " },
      { name: "x".repeat(201) },
      { name: "a\u0007b" },
      { name: 5 },
    ]) {
      const response = await client.request("/auth/profile", { method: "PATCH", json });
      expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    }
    const anonymous = await ctx
      .client()
      .request("/auth/profile", { method: "PATCH", json: { name: "Eve" }, origin: null });
    expect(anonymous.status).toBe(401);
    const crossSite = await client.request("/auth/profile", {
      method: "PATCH",
      json: { name: "Eve" },
      origin: "https://evil.example",
    });
    expect(crossSite.status).toBe(403);
    expect(await nameOf(email)).toBeNull();
    expect(await ctx.snapshot()).toEqual(before);
  });
});
