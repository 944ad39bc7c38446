// The link-proof page over HTTP: a social sign-in meets an account with the same verified email, the
// page asks to sign in to it, confirms, links (row, mail, cookie gone), and refuses what it must.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { locationOf, providerAccount, socialSignIn } from "../../../test/helpers/oauth-flow.ts";
import type { ProviderAccount } from "../../../test/helpers/oidc-provider.ts";
import { enrollTotp } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const LINK_COOKIE = "__Host-portcullis_link";

const identitiesOf = async (sub: string) =>
  (await ctx.sql<{ n: number }>("SELECT count(*)::int AS n FROM external_identities WHERE subject = $1", [sub]))[0]?.n;

/** A verified password account, a fresh browser, and a social sign-in there that found the account. */
async function pendingLink(query: Record<string, string> = { return_to: "/dashboard" }) {
  const email = uniqueEmail("link-owner");
  const owner = await signUpBrowser(ctx, email);
  await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
  const account = providerAccount(email);
  const browser = ctx.client();
  const response = await socialSignIn(browser, account, { query });
  expect(locationOf(response)).toMatch(/^\/auth\/link\?return_to=/);
  expect(browser.cookies.has(LINK_COOKIE)).toBe(true);
  return { email, owner, account, browser };
}

/** Signs in on the sign-in page's form, sent back to the link page. */
async function signInForLink(browser: TestClient, email: string) {
  const response = await submitForm(browser, "/auth/sign-in", {
    email,
    password: STRONG_PASSWORD,
    return_to: "/auth/link",
  });
  return response;
}

async function linkedThrough(browser: TestClient, email: string, account: ProviderAccount) {
  const signedIn = await signInForLink(browser, email);
  expect([signedIn.status, signedIn.headers.get("location")]).toEqual([303, "/auth/link"]);
  const page = await readPage(await browser.request("/auth/link"));
  expect(page.forms.find((form) => form.attributes.action === "/auth/link")).toBeDefined();
  const confirmed = await submitForm(browser, "/auth/link", {});
  expect(await identitiesOf(account.sub)).toBe(1);
  return confirmed;
}

describe("GET /auth/link", () => {
  it("asks a browser without a session to sign in to the account, with a way to cancel", async () => {
    const { email, browser } = await pendingLink();
    const response = await browser.request("/auth/link?return_to=%2Fdashboard");
    const page = await readPage(response);
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Link your Single sign-on account");
    expect(page.text).toContain(
      `An account with ${email} already exists. Sign in to it to link your Single sign-on account.`,
    );
    const signIn = page.links.find((link) => link.attributes.id === "link-sign-in");
    expect(signIn?.attributes.href).toBe("/auth/sign-in?return_to=%2Fauth%2Flink");
    expect(page.forms.map((form) => form.attributes.action)).toEqual(["/auth/link/cancel"]);
    expect(page.inlineHandlers).toEqual([]);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("says the request is gone, with a link to sign in, when there is no live one", async () => {
    const page = await readPage(await ctx.client().request("/auth/link"));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("This link request is no longer valid");
    expect(page.links.find((link) => link.attributes.id === "link-back")?.attributes.href).toBe("/auth/sign-in");
    expect(page.forms).toEqual([]);

    const forged = ctx.client();
    forged.cookies.set(LINK_COOKIE, "A".repeat(43));
    expect((await readPage(await forged.request("/auth/link"))).h1).toBe("This link request is no longer valid");
  });

  it("tells another signed-in account to sign out instead of offering the link", async () => {
    const { browser, account } = await pendingLink();
    const other = uniqueEmail("someone-else");
    const login = await browser.request("/auth/signup", { json: { email: other, password: STRONG_PASSWORD } });
    expect(login.status).toBe(201);
    const page = await readPage(await browser.request("/auth/link"));
    expect(page.text).toContain(`You are signed in as ${other}, but this request is for another account.`);
    expect(page.links.find((link) => link.attributes.id === "link-sign-out")?.attributes.href).toBe("/auth/sign-out");
    expect(page.forms.find((form) => form.attributes.action === "/auth/link")).toBeUndefined();
    const refused = await submitForm(browser, "/auth/link", {});
    expect(refused.status).toBe(403);
    expect(await identitiesOf(account.sub)).toBe(0);
  });
});

describe("POST /auth/link", () => {
  it("links after the sign-in that proves the account, mails the owner and goes on to return_to", async () => {
    const { email, browser, account } = await pendingLink();
    const confirmed = await linkedThrough(browser, email, account);
    expect([confirmed.status, confirmed.headers.get("location")]).toEqual([303, "/dashboard"]);
    expect(browser.cookies.has(LINK_COOKIE)).toBe(false);
    const [row] = await ctx.sql<{ email: string }>(
      "SELECT u.email FROM external_identities e JOIN users u ON u.id = e.user_id WHERE e.subject = $1",
      [account.sub],
    );
    expect(row?.email).toBe(email);
    const mail = await ctx.sql<{ template: string }>("SELECT template FROM outbox_messages WHERE recipient = $1", [
      email,
    ]);
    expect(mail.map((m) => m.template)).toContain("identity_linked_notice");
    // The request is spent: the page now says so, and the identity signs in by itself.
    expect((await readPage(await browser.request("/auth/link"))).h1).toBe("This link request is no longer valid");
    expect(locationOf(await socialSignIn(ctx.client(), account))).toBe("/dashboard");
  });

  it("lands on the security page with its notice when that is where the request returns to", async () => {
    const { email, browser, account } = await pendingLink({ return_to: "/auth/account/security" });
    const confirmed = await linkedThrough(browser, email, account);
    expect(confirmed.headers.get("location")).toBe("/auth/account/security?identity=linked");
    const page = await readPage(await browser.request("/auth/account/security?identity=linked"));
    expect(page.text).toContain("The provider account is linked. You can use it to sign in.");
  });

  it("refuses a cross-site POST from the signed-in owner and writes nothing", async () => {
    const { email, browser, account } = await pendingLink();
    await signInForLink(browser, email);
    for (const headers of [{ origin: "https://evil.example" }, { origin: null, "sec-fetch-site": "cross-site" }]) {
      const { origin, ...rest } = headers as { origin: string | null } & Record<string, string>;
      const refused = await submitForm(browser, "/auth/link", {}, { origin, headers: rest });
      expect(refused.status).toBe(403);
      expect(refused.headers.get("content-type")).toMatch(/^text\/html/);
    }
    expect(await identitiesOf(account.sub)).toBe(0);
    const [intent] = await ctx.sql<{ consumed: boolean }>(
      "SELECT consumed_at IS NOT NULL AS consumed FROM identity_link_intents WHERE subject = $1",
      [account.sub],
    );
    expect(intent?.consumed).toBe(false);
    expect(browser.cookies.has(LINK_COOKIE)).toBe(true);
  });

  it("sends a session older than the request to prove it again, and links nothing yet", async () => {
    const { email, browser, account } = await pendingLink();
    await signInForLink(browser, email);
    await ageAccessCookie(browser);
    const response = await submitForm(browser, "/auth/link", {});
    expect([response.status, response.headers.get("location")]).toEqual([
      303,
      "/auth/reauthenticate?return_to=%2Fauth%2Flink",
    ]);
    expect(await identitiesOf(account.sub)).toBe(0);
    expect(browser.cookies.has(LINK_COOKIE)).toBe(true);
  });

  it("asks an account with an authenticator app for its second factor before the link page", async () => {
    const email = uniqueEmail("link-totp");
    const owner = await signUpBrowser(ctx, email);
    await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
    await enrollTotp(owner);
    const browser = ctx.client();
    const account = providerAccount(email);
    expect(locationOf(await socialSignIn(browser, account))).toBe("/auth/link?return_to=%2Fdashboard");
    const signedIn = await signInForLink(browser, email);
    expect(signedIn.headers.get("location")).toBe("/auth/two-factor?return_to=%2Fauth%2Flink");
    expect(await identitiesOf(account.sub)).toBe(0);
  });

  it("sends a POST without a session to the page, and a spent request to the expired page", async () => {
    const { browser } = await pendingLink();
    const anonymous = await submitForm(browser, "/auth/link", {});
    expect([anonymous.status, anonymous.headers.get("location")]).toEqual([303, "/auth/link"]);
    const signedIn = await signUpBrowser(ctx);
    const none = await readPage(await submitForm(signedIn, "/auth/link", {}));
    expect(none.status).toBe(400);
    expect(none.h1).toBe("This link request is no longer valid");
  });
});

describe("POST /auth/link/cancel", () => {
  it("drops the request's cookie and goes back to sign-in", async () => {
    const { browser, account } = await pendingLink();
    const response = await submitForm(browser, "/auth/link/cancel", {});
    expect([response.status, response.headers.get("location")]).toEqual([303, "/auth/sign-in"]);
    expect(browser.cookies.has(LINK_COOKIE)).toBe(false);
    expect((await readPage(await browser.request("/auth/link"))).h1).toBe("This link request is no longer valid");
    expect(await identitiesOf(account.sub)).toBe(0);
  });

  it("refuses a cross-site cancel", async () => {
    const { browser } = await pendingLink();
    const refused = await submitForm(browser, "/auth/link/cancel", {}, { origin: "https://evil.example" });
    expect(refused.status).toBe(403);
    expect(browser.cookies.has(LINK_COOKIE)).toBe(true);
  });
});
