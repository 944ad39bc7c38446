// Social providers on the sign-in and sign-up pages: one plain "Continue with" link per configured
// entry (none without entries), the callback's ?oauth_error= as a plain message (never echoed), and a
// real sign-in through the local OpenID provider starting from the page's link.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import { type ParsedPage, readPage } from "../../../test/helpers/html.ts";
import { deliverCallback, locationOf, providerAccount } from "../../../test/helpers/oauth-flow.ts";
import { signInAtProvider } from "../../../test/helpers/oidc-provider.ts";
import { en } from "../messages/en.ts";

let ctx: AuthTestContext;
let bare: AuthTestContext;
beforeAll(async () => {
  [ctx, bare] = await Promise.all([setUpAuthTest(), setUpAuthTest({ OAUTH_PROVIDERS: undefined })]);
});

const TEST_PROVIDERS = ["oidc", "oidc-tokens", "rogue", "github", "apple", "entra", "entra-tenant", "google"];

const providerLinks = (page: ParsedPage) => page.links.filter((link) => "data-provider" in link.attributes);

describe("Continue with <Provider>", () => {
  it("offers one plain link per configured provider on the sign-in page, carrying return_to", async () => {
    const page = await readPage(await ctx.client().request("/auth/sign-in?return_to=%2Fdocs%3Fa%3D1"));
    expect(page.status).toBe(200);
    const links = providerLinks(page);
    expect(links.map((link) => link.attributes["data-provider"])).toEqual(TEST_PROVIDERS);
    expect(links[0]?.attributes.href).toBe("/auth/oauth/oidc/start?return_to=%2Fdocs%3Fa%3D1");
    expect(links.map((link) => link.text)).toEqual(
      expect.arrayContaining(["Continue with Google", "Continue with GitHub", "Continue with Test OP (tokens kept)"]),
    );
    // Links, not forms: form-action 'self' would stop the redirect chain to the provider.
    expect(page.forms.some((form) => form.attributes.action?.startsWith("/auth/oauth/"))).toBe(false);
    expect(page.html).toContain('<p class="divider">or</p>');
    expect(page.inlineHandlers).toEqual([]);
  });

  it("omits return_to when it is the default, and offers the same links on the sign-up page", async () => {
    const signIn = await readPage(await ctx.client().request("/auth/sign-in"));
    expect(providerLinks(signIn).find((l) => l.attributes["data-provider"] === "google")?.attributes.href).toBe(
      "/auth/oauth/google/start",
    );
    const signUp = await readPage(await ctx.client().request("/auth/sign-up?return_to=%2Fhome"));
    expect(signUp.status).toBe(200);
    const links = providerLinks(signUp);
    expect(links.map((link) => link.attributes["data-provider"])).toEqual(TEST_PROVIDERS);
    expect(links.find((l) => l.attributes["data-provider"] === "github")?.attributes.href).toBe(
      "/auth/oauth/github/start?return_to=%2Fhome",
    );
  });

  it("shows no providers and no divider for them when none is configured", async () => {
    for (const path of ["/auth/sign-in", "/auth/sign-up"]) {
      const page = await readPage(await bare.client().request(path));
      expect(page.status).toBe(200);
      expect(providerLinks(page)).toEqual([]);
      expect(page.text).not.toContain("Continue with");
      expect(page.html).not.toContain('id="providers"');
    }
  });

  it("keeps the strict nonce CSP, no framing and no caching with the providers shown", async () => {
    const response = await ctx.client().request("/auth/sign-in");
    const csp = response.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(csp).toBe(
      `default-src 'none'; script-src 'nonce-${nonce}' 'strict-dynamic'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("?oauth_error= on the sign-in page", () => {
  it("shows each known code as its plain message in the error summary", async () => {
    for (const [code, message] of Object.entries(en.identities.oauthErrors)) {
      const page = await readPage(await ctx.client().request(`/auth/sign-in?oauth_error=${code}&return_to=%2Fdash`));
      expect(page.status).toBe(200);
      expect(page.summary).toEqual([message]);
      expect(page.inputs.find((input) => input.attributes.name === "return_to")?.attributes.value).toBe("/dash");
    }
  });

  it("shows a generic message for an unknown code and never repeats the value", async () => {
    const value = "<script>alert(1)</script>gotcha-value";
    const page = await readPage(await ctx.client().request(`/auth/sign-in?oauth_error=${encodeURIComponent(value)}`));
    expect(page.status).toBe(200);
    expect(page.summary).toEqual([en.identities.oauthErrorGeneric]);
    expect(page.html).not.toContain("gotcha-value");
    expect(page.html).not.toContain("alert(1)");
  });

  it("shows no message without the parameter", async () => {
    const page = await readPage(await ctx.client().request("/auth/sign-in"));
    expect(page.summary).toEqual([]);
  });
});

describe("a sign-in that starts at the page's link", () => {
  it("follows the link to the provider and comes back to return_to signed in", async () => {
    const browser = ctx.client();
    const page = await readPage(await browser.request("/auth/sign-in?return_to=%2Fdashboard"));
    const href = providerLinks(page).find((l) => l.attributes["data-provider"] === "oidc")?.attributes.href ?? "";
    const start = await browser.request(href);
    expect(start.status).toBe(302);
    const email = uniqueEmail("page-social");
    const callback = await signInAtProvider(start.headers.get("location") ?? "", providerAccount(email));
    const response = await deliverCallback(browser, callback);
    expect(locationOf(response)).toBe("/dashboard");
    const session = await browser.request("/auth/session");
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe(email);
  });

  it("brings a declined consent back to the sign-in page with its message", async () => {
    const browser = ctx.client();
    const start = await browser.request("/auth/oauth/oidc/start?return_to=%2Fdashboard");
    const callback = await signInAtProvider(start.headers.get("location") ?? "", providerAccount(uniqueEmail()), {
      deny: true,
    });
    const response = await deliverCallback(browser, callback);
    const back = await readPage(await browser.request(locationOf(response)));
    expect(back.summary).toEqual([en.identities.oauthErrors.denied]);
    expect(browser.cookies.has("__Host-portcullis_at")).toBe(false);
  });
});
