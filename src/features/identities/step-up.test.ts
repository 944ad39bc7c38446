// Step-up with a linked provider (intent=reauth): a user whose only ways in are external identities
// can confirm a sensitive change by signing in at the provider again; another provider account cannot.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import { locationOf, providerAccount, socialSignIn } from "../../../test/helpers/oauth-flow.ts";
import { ageAccessCookie, claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const reauth = { intent: "reauth", return_to: "/auth/account/security" };

describe("step-up with a linked provider", () => {
  it("refreshes a stale session's authentication when the same provider account signs in again", async () => {
    const account = providerAccount(uniqueEmail("social-step-up"));
    const client = ctx.client();
    await socialSignIn(client, account);
    await ageAccessCookie(client);
    const listed = (await (await client.request("/auth/identities")).json()) as { identities: { id: string }[] };
    const stale = await client.request(`/auth/identities/${listed.identities[0]?.id}`, { method: "DELETE" });
    expect(stale.status).toBe(401);

    const response = await socialSignIn(client, account, { query: reauth });
    expect(locationOf(response)).toBe("/auth/account/security");
    const claims = claimsOf(client.cookies.get("__Host-portcullis_at") ?? "");
    expect(Number(claims.auth_time)).toBeGreaterThan(Math.floor(Date.now() / 1000) - 30);
    expect(claims.amr).toEqual(["fed"]);
    // Now recent: the API lets the change through (and refuses it only because it is the last way in).
    const retry = await client.request(`/auth/identities/${listed.identities[0]?.id}`, { method: "DELETE" });
    expect(retry.status).toBe(409);
  });

  it("proves nothing with a provider account that is not linked to the user", async () => {
    const client = ctx.client();
    await socialSignIn(client, providerAccount(uniqueEmail("owner")));
    await ageAccessCookie(client);
    const before = client.cookies.get("__Host-portcullis_at");
    const response = await socialSignIn(client, providerAccount(uniqueEmail("stranger")), { query: reauth });
    expect(locationOf(response)).toBe(
      "/auth/reauthenticate?return_to=%2Fauth%2Faccount%2Fsecurity&identity=not_linked",
    );
    expect(client.cookies.get("__Host-portcullis_at")).toBe(before);
  });

  it("sends a browser without a session to sign in", async () => {
    const response = await ctx.client().request("/auth/oauth/oidc/start?intent=reauth&return_to=%2Fsecure");
    expect(locationOf(response)).toBe("/auth/sign-in?return_to=%2Fsecure");
  });

  it("offers the user's linked providers on the reauthenticate page, and says why a provider step-up did not count", async () => {
    const client = ctx.client();
    await socialSignIn(client, providerAccount(uniqueEmail("page-step-up")));
    const page = await (await client.request("/auth/reauthenticate?return_to=%2Fauth%2Faccount%2Fsecurity")).text();
    expect(page).toContain('href="/auth/oauth/oidc/start?return_to=%2Fauth%2Faccount%2Fsecurity&amp;intent=reauth"');
    // Providers the user has not linked are not offered for a step-up.
    expect(page).not.toContain("/auth/oauth/github/start");
    const refused = await (
      await client.request("/auth/reauthenticate?return_to=%2Fauth%2Faccount%2Fsecurity&identity=not_linked")
    ).text();
    expect(refused).toContain("not linked to this account");
  });
});
