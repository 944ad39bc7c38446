// The provider presets through the Worker's routes: Apple's cross-site form_post callback (its
// binding cookie is SameSite=None) with the name stored on the first sign-in, GitHub keyed by its
// numeric id with the primary verified email, Entra's unverified email refused (nOAuth).
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import { deliverCallback, locationOf, startSocialSignIn } from "../../../test/helpers/oauth-flow.ts";
import { authorizeAtApple, authorizeAtLocalProvider } from "../../../test/helpers/social-providers.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

describe("Sign in with Apple", () => {
  it("accepts the cross-site form_post callback and keeps the name Apple sends only the first time", async () => {
    const client = ctx.client();
    const authorization = await startSocialSignIn(client, "apple");
    const binding = client.lastSetCookies.find((cookie) => cookie.name === "__Host-portcullis_oauth");
    // A Lax cookie would not come with Apple's cross-site POST.
    expect(binding?.attributes).toEqual(expect.arrayContaining(["SameSite=None", "Secure", "HttpOnly"]));
    const email = uniqueEmail("apple");
    const sub = `001234.${crypto.randomUUID().replaceAll("-", "")}`;
    const posted = await authorizeAtApple(authorization.href, {
      sub,
      email,
      name_object: { firstName: "Grace", lastName: "Hopper" },
    });
    const response = await client.request("/auth/oauth/apple/callback", {
      body: posted.fields.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      origin: "https://appleid.apple.com",
    });
    expect(response.status).toBe(303);
    expect(locationOf(response)).toBe("/dashboard");
    const [user] = await ctx.sql<{ name: string; verified: boolean }>(
      "SELECT name, email_verified_at IS NOT NULL AS verified FROM users WHERE email = $1",
      [email],
    );
    expect(user).toEqual({ name: "Grace Hopper", verified: true });

    // The next sign-in carries no name: the stored one stays.
    const again = ctx.client();
    const second = await startSocialSignIn(again, "apple");
    const repost = await authorizeAtApple(second.href, { sub, email });
    expect(repost.fields.has("user")).toBe(false);
    const answer = await again.request("/auth/oauth/apple/callback", {
      body: repost.fields.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      origin: "https://appleid.apple.com",
    });
    expect(locationOf(answer)).toBe("/dashboard");
    expect((await ctx.sql<{ name: string }>("SELECT name FROM users WHERE email = $1", [email]))[0]?.name).toBe(
      "Grace Hopper",
    );
  });
});

describe("GitHub", () => {
  it("keys the identity by the numeric id and uses the primary verified email", async () => {
    const client = ctx.client();
    const authorization = await startSocialSignIn(client, "github");
    const primary = uniqueEmail("github");
    const id = String(Math.floor(Math.random() * 1e9));
    const callback = await authorizeAtLocalProvider(authorization.href, {
      sub: id,
      login: "octo",
      emails: [
        { email: uniqueEmail("unverified"), primary: false, verified: false },
        { email: primary, primary: true, verified: true },
      ],
    });
    expect(locationOf(await deliverCallback(client, callback))).toBe("/dashboard");
    const [row] = await ctx.sql<{ subject: string; email: string; provider_type: string; metadata: { login: string } }>(
      "SELECT subject, email, provider_type, metadata FROM external_identities WHERE subject = $1",
      [id],
    );
    expect(row).toMatchObject({ subject: id, email: primary, provider_type: "github", metadata: { login: "octo" } });
  });

  it("refuses an account without a primary verified email", async () => {
    const client = ctx.client();
    const authorization = await startSocialSignIn(client, "github");
    const callback = await authorizeAtLocalProvider(authorization.href, {
      sub: String(Math.floor(Math.random() * 1e9)),
      login: "nomail",
      emails: [{ email: uniqueEmail("gh-unverified"), primary: true, verified: false }],
    });
    expect(locationOf(await deliverCallback(client, callback))).toBe(
      "/auth/sign-in?oauth_error=email_missing&return_to=%2Fdashboard",
    );
  });
});

describe("Microsoft Entra", () => {
  it("refuses a new identity whose email the tenant did not verify (nOAuth, CVE-2023-36871)", async () => {
    const client = ctx.client();
    const authorization = await startSocialSignIn(client, "entra");
    const callback = await authorizeAtLocalProvider(authorization.href, {
      sub: `entra-${crypto.randomUUID()}`,
      tid: crypto.randomUUID(),
      email: uniqueEmail("entra"),
    });
    expect(locationOf(await deliverCallback(client, callback))).toBe(
      "/auth/sign-in?oauth_error=email_unverified&return_to=%2Fdashboard",
    );
  });

  it("signs in when xms_edov vouches for the email", async () => {
    const client = ctx.client();
    const authorization = await startSocialSignIn(client, "entra");
    const callback = await authorizeAtLocalProvider(authorization.href, {
      sub: `entra-${crypto.randomUUID()}`,
      tid: crypto.randomUUID(),
      email: uniqueEmail("entra-verified"),
      xms_edov: true,
    });
    expect(locationOf(await deliverCallback(client, callback))).toBe("/dashboard");
  });
});
