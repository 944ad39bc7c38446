// The invitation pages: GET shows the invitation by who is signed in and never consumes it; the forms
// accept, decline and create the invited account; cross-site posts and dead links are refused.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpApi,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { invitedToken, tenantWith, verifiedUser } from "../../../test/helpers/invitations.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ REQUIRE_MFA_ROLES: "PLATFORM_ADMIN" });
});

const pageOf = (token: string) => `/auth/invitations/accept?token=${token}`;
const accessCookie = (client: { cookies: Map<string, string> }) => client.cookies.get("__Host-portcullis_at") ?? "";

async function invitation(address: string, roles = ["STAFF"]) {
  const owner = await verifiedUser(ctx, uniqueEmail("owner"));
  const tenant = await tenantWith(ctx, [{ userId: owner.id, roles: ["OWNER"] }], "Partner Shop");
  await ctx.sql("UPDATE users SET name = 'Olivia Owner' WHERE id = $1", [owner.id]);
  return { owner, tenant, ...(await invitedToken(ctx, owner.client, tenant.id, address, roles)) };
}

describe("GET /auth/invitations/accept", () => {
  it("shows tenant, inviter and roles with the create-account form and a sign-in link when signed out", async () => {
    const address = uniqueEmail("anon");
    const { token } = await invitation(address, ["CUSTOMER", "STAFF"]);
    const before = await ctx.snapshot();
    const page = await readPage(await ctx.client().request(pageOf(token)));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Join Partner Shop");
    expect(page.text).toContain("Olivia Owner invited you to join Partner Shop.");
    expect(page.text).toContain("CUSTOMER, STAFF");
    expect(page.text).toContain(address);
    expect(page.forms.map((form) => form.attributes.action)).toEqual([
      "/auth/invitations/sign-up",
      "/auth/invitations/answer",
    ]);
    const signIn = page.links.find((link) => link.attributes.id === "invitation-sign-in");
    expect(signIn?.attributes.href).toBe(`/auth/sign-in?return_to=${encodeURIComponent(pageOf(token))}`);
    expect(page.headers.get("cache-control")).toBe("no-store");
    // Reading the page consumed nothing.
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("offers Accept to the invited, verified address and sign-out to another account", async () => {
    const address = uniqueEmail("addressee");
    const { token } = await invitation(address);
    const invitee = await verifiedUser(ctx, address);
    const mine = await readPage(await invitee.client.request(pageOf(token)));
    expect(mine.buttons.map((b) => b.attributes.id)).toEqual(["invitation-accept", "invitation-decline"]);
    const other = await verifiedUser(ctx, uniqueEmail("other"));
    const theirs = await readPage(await other.client.request(pageOf(token)));
    expect(theirs.text).toContain(`You are signed in as ${other.email}, but this invitation is for ${address}.`);
    expect(theirs.buttons.map((b) => b.attributes.id)).toEqual(["invitation-sign-out", "invitation-decline"]);
  });

  it("says a malformed, unknown, used or expired link is no longer valid", async () => {
    const { id, token } = await invitation(uniqueEmail("dead"));
    await ctx.sql("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1", [id]);
    for (const value of [token, "A".repeat(43), "x", ""]) {
      const page = await readPage(await ctx.client().request(pageOf(value)));
      expect(page.status).toBe(400);
      expect(page.h1).toBe("This invitation is no longer valid");
    }
  });
});

describe("the invitation forms", () => {
  it("accepts for the signed-in addressee and lands on the joined page with the tenant active", async () => {
    const address = uniqueEmail("joiner");
    const { token, tenant } = await invitation(address);
    const invitee = await verifiedUser(ctx, address);
    const response = await submitForm(invitee.client, "/auth/invitations/answer", { token, answer: "accept" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/invitations/joined");
    expect(claimsOf(accessCookie(invitee.client))).toMatchObject({ tenant: tenant.id, roles: ["STAFF"] });
    const joined = await readPage(await invitee.client.request("/auth/invitations/joined"));
    expect(joined.text).toContain("You are now a member of Partner Shop");
  });

  it("refuses another account's accept with the page saying why, and keeps the invitation", async () => {
    const address = uniqueEmail("kept");
    const { token } = await invitation(address);
    const other = await verifiedUser(ctx, uniqueEmail("other"));
    const page = await readPage(
      await submitForm(other.client, "/auth/invitations/answer", { token, answer: "accept" }),
    );
    expect(page.status).toBe(403);
    expect(page.text).toContain("but this invitation is for");
    expect(await ctx.count("invitations", "email = $1 AND accepted_at IS NULL", [address])).toBe(1);
  });

  it("sends a signed-out accept to sign in and back", async () => {
    const { token } = await invitation(uniqueEmail("later"));
    const response = await submitForm(ctx.client(), "/auth/invitations/answer", { token, answer: "accept" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/auth/sign-in?return_to=${encodeURIComponent(pageOf(token))}`);
  });

  it("creates the invited account from the form: verified, member, signed in", async () => {
    const address = uniqueEmail("newcomer");
    const { token, tenant } = await invitation(address);
    const browser = ctx.client();
    const response = await submitForm(browser, "/auth/invitations/sign-up", {
      token,
      name: "",
      password: STRONG_PASSWORD,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/invitations/joined");
    expect(claimsOf(accessCookie(browser))).toMatchObject({ tenant: tenant.id, email_verified: true });
    expect(await ctx.count("users", "email = $1 AND email_verified_at IS NOT NULL", [address])).toBe(1);
  });

  it("shows the form's errors: weak password, an existing account, and changes nothing", async () => {
    const existing = await signUpApi(ctx, uniqueEmail("existing"));
    const { token } = await invitation(existing.email);
    const fresh = await invitation(uniqueEmail("weak"));
    const before = await ctx.snapshot();
    const taken = await readPage(
      await submitForm(ctx.client(), "/auth/invitations/sign-up", { token, password: STRONG_PASSWORD }),
    );
    expect(taken.status).toBe(409);
    expect(taken.summary).toContain(
      "An account with this address already exists. Sign in to it to accept the invitation.",
    );
    const weak = await readPage(
      await submitForm(ctx.client(), "/auth/invitations/sign-up", { token: fresh.token, password: "short" }),
    );
    expect(weak.status).toBe(400);
    expect(weak.fieldErrors.password).toMatch(/at least/);
    const empty = await readPage(await submitForm(ctx.client(), "/auth/invitations/sign-up", { token: fresh.token }));
    expect(empty.fieldErrors.password).toBe("Enter your password.");
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("declines from the page without a session; the link is dead after", async () => {
    const { token, id } = await invitation(uniqueEmail("no-thanks"));
    const response = await submitForm(ctx.client(), "/auth/invitations/answer", { token, answer: "decline" });
    expect(response.headers.get("location")).toBe("/auth/invitations/declined");
    expect(await ctx.count("invitations", "id = $1 AND declined_at IS NOT NULL", [id])).toBe(1);
    expect((await readPage(await ctx.client().request(pageOf(token)))).status).toBe(400);
  });

  it("refuses cross-site form posts and changes nothing", async () => {
    const address = uniqueEmail("csrf");
    const { token } = await invitation(address);
    const before = await ctx.snapshot();
    for (const [path, fields] of [
      ["/auth/invitations/answer", { token, answer: "decline" }],
      ["/auth/invitations/sign-up", { token, password: STRONG_PASSWORD }],
    ] as const) {
      const page = await readPage(await submitForm(ctx.client(), path, fields, { origin: "https://evil.example" }));
      expect(page.status).toBe(403);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });
});
