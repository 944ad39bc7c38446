// Social sign-in end to end over HTTP against a real OpenID provider (oidc-provider): sign-up, sign-in,
// the second factor after it (better-auth #10322), linking with proof, linking from the account page.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { locationOf, providerAccount, socialSignIn, startSocialSignIn } from "../../../test/helpers/oauth-flow.ts";
import { codeAt, enrollTotp } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const countOf = (table: string, where?: string, params?: unknown[]) => ctx.count(table, where, params);

async function sessionOf(client: ReturnType<AuthTestContext["client"]>) {
  const response = await client.request("/auth/session");
  expect(response.status).toBe(200);
  return (await response.json()) as { user: { id: string; email: string }; session: { amr: string[] } };
}

describe("social sign-in with an OpenID provider", () => {
  it("starts with PKCE S256, state, nonce and the exact redirect URI, bound to this browser", async () => {
    const client = ctx.client();
    const authorization = await startSocialSignIn(client);
    const params = authorization.searchParams;
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("nonce")).toBeTruthy();
    expect(params.get("redirect_uri")).toBe("http://localhost/auth/oauth/oidc/callback");
    const binding = client.lastSetCookies.find((cookie) => cookie.name === "__Host-portcullis_oauth");
    expect(binding?.attributes).toEqual(expect.arrayContaining(["HttpOnly"]));
    // Only hashes are stored: neither the state nor the PKCE verifier appears in the database.
    const rows = await ctx.sql<{ state_hash: string }>("SELECT state_hash FROM oauth_flows");
    expect(rows.some((row) => row.state_hash === params.get("state"))).toBe(false);
    expect(await countOf("oauth_flows", "state_hash = $1", [params.get("state")])).toBe(0);
  });

  it("signs up a new user with a verified provider email and signs them in again by subject", async () => {
    const email = uniqueEmail("social");
    const account = providerAccount(email);
    const client = ctx.client();
    const first = await socialSignIn(client, account);
    expect(first.status).toBe(302);
    expect(locationOf(first)).toBe("/dashboard");
    const session = await sessionOf(client);
    expect(session.user.email).toBe(email);
    expect(session.session.amr).toEqual(["fed"]);
    const [user] = await ctx.sql<{ verified: boolean }>(
      "SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE email = $1",
      [email],
    );
    expect(user?.verified).toBe(true);

    const again = await socialSignIn(ctx.client(), account);
    expect(locationOf(again)).toBe("/dashboard");
    expect(await countOf("users", "email = $1", [email])).toBe(1);
    expect(await countOf("external_identities", "subject = $1 AND provider_id = 'oidc'", [account.sub])).toBe(1);
  });

  it("refuses an unverified provider email without writing anything", async () => {
    const before = await ctx.snapshot();
    const response = await socialSignIn(
      ctx.client(),
      providerAccount(uniqueEmail("unverified"), { emailVerified: false }),
    );
    expect(locationOf(response)).toBe("/auth/sign-in?oauth_error=email_unverified&return_to=%2Fdashboard");
    const after = await ctx.snapshot();
    expect({ ...after, audit_events: 0, auth_counters: 0 }).toEqual({ ...before, audit_events: 0, auth_counters: 0 });
    expect(await countOf("sessions")).toBe(before.sessions);
  });

  it("returns a declined consent to the sign-in page with a plain message", async () => {
    const response = await socialSignIn(ctx.client(), providerAccount(uniqueEmail("deny")), { deny: true });
    expect(locationOf(response)).toBe("/auth/sign-in?oauth_error=denied&return_to=%2Fdashboard");
  });

  it("asks for the second factor after a social sign-in when the user has TOTP", async () => {
    const account = providerAccount(uniqueEmail("social-mfa"));
    const client = ctx.client();
    await socialSignIn(client, account);
    const { secret } = await enrollTotp(client);
    const next = ctx.client();
    const response = await socialSignIn(next, account);
    expect(locationOf(response)).toBe("/auth/two-factor?return_to=%2Fdashboard");
    expect(next.cookies.has("__Host-portcullis_at")).toBe(false);
    const challenge = next.cookies.get("__Host-portcullis_mfa") ?? "";
    const verify = await next.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret) } });
    expect(verify.status).toBe(200);
    expect((await sessionOf(next)).session.amr).toEqual(["fed", "otp", "mfa"]);
  });

  it("refuses a disabled user", async () => {
    const account = providerAccount(uniqueEmail("social-disabled"));
    await socialSignIn(ctx.client(), account);
    await ctx.sql("UPDATE users SET status = 'DISABLED' WHERE email = $1", [account.email]);
    const sessions = await countOf("sessions");
    const response = await socialSignIn(ctx.client(), account);
    expect(locationOf(response)).toBe("/auth/sign-in?oauth_error=account_disabled&return_to=%2Fdashboard");
    expect(await countOf("sessions")).toBe(sessions);
  });
});

describe("linking an existing account", () => {
  async function verifiedPasswordAccount() {
    const email = uniqueEmail("owner");
    const owner = await signUpBrowser(ctx, email);
    await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
    return { email, owner };
  }

  it("asks to prove the account with the same email, then links once a fresh sign-in presents the request", async () => {
    const { email } = await verifiedPasswordAccount();
    const account = providerAccount(email);
    const browser = ctx.client();
    const response = await socialSignIn(browser, account);
    expect(locationOf(response)).toBe("/auth/link?return_to=%2Fdashboard");
    expect(browser.cookies.has("__Host-portcullis_at")).toBe(false);
    expect(await countOf("external_identities", "subject = $1", [account.sub])).toBe(0);
    const linkToken = browser.cookies.get("__Host-portcullis_link") ?? "";
    expect(linkToken).not.toBe("");

    const login = await browser.request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
    expect(login.status).toBe(200);
    expect(browser.cookies.get("__Host-portcullis_link")).toBe(linkToken); // the proof's sign-in keeps the request
    const link = await browser.request("/auth/identities/link", { json: { linkToken } });
    expect(link.status).toBe(200);
    expect(await countOf("external_identities", "subject = $1", [account.sub])).toBe(1);
    const notices = await ctx.sql<{ template: string }>("SELECT template FROM outbox_messages WHERE recipient = $1", [
      email,
    ]);
    expect(notices.map((row) => row.template)).toContain("identity_linked_notice");
    const audit = await ctx.sql<{ action: string }>(
      "SELECT action FROM audit_events WHERE action LIKE 'identity.%' AND user_id = (SELECT id FROM users WHERE email = $1)",
      [email],
    );
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(["identity.link_requested", "identity.linked"]),
    );

    // The linked identity now signs in to that account.
    const later = ctx.client();
    expect(locationOf(await socialSignIn(later, account))).toBe("/dashboard");
    expect((await sessionOf(later)).user.email).toBe(email);
  });

  it("never links to an unverified account with the victim's address (pre-registration takeover)", async () => {
    const email = uniqueEmail("victim");
    await signUpBrowser(ctx, email); // the attacker's account, never confirmed
    const response = await socialSignIn(ctx.client(), providerAccount(email));
    expect(locationOf(response)).toBe("/auth/sign-in?oauth_error=account_unverified&return_to=%2Fdashboard");
    expect(await countOf("external_identities", "user_id = (SELECT id FROM users WHERE email = $1)", [email])).toBe(0);
  });

  it("links a provider from the account page after a recent sign-in, and sends a stale session to step up first", async () => {
    const { email, owner } = await verifiedPasswordAccount();
    const account = providerAccount(uniqueEmail("other-address"));
    const linkQuery = { intent: "link", return_to: "/auth/account/security" };
    const response = await socialSignIn(owner, account, { query: linkQuery });
    expect(locationOf(response)).toBe("/auth/account/security?identity=linked");
    const [row] = await ctx.sql<{ email: string }>(
      "SELECT u.email FROM external_identities e JOIN users u ON u.id = e.user_id WHERE e.subject = $1",
      [account.sub],
    );
    expect(row?.email).toBe(email);

    // Without a session: to sign-in. The same identity on another account: refused.
    const anonymous = await ctx.client().request("/auth/oauth/oidc/start?intent=link");
    expect(locationOf(anonymous)).toBe("/auth/sign-in?return_to=%2Fauth%2Faccount%2Fsecurity");
    const { owner: second } = await verifiedPasswordAccount();
    const taken = await socialSignIn(second, account, { query: linkQuery });
    expect(locationOf(taken)).toBe("/auth/account/security?identity=identity_in_use");
  });

  it("unlinks an identity after step-up but never the last way to sign in", async () => {
    const socialOnly = ctx.client();
    await socialSignIn(socialOnly, providerAccount(uniqueEmail("only-social")));
    const own = (await (await socialOnly.request("/auth/identities")).json()) as { identities: { id: string }[] };
    const only = own.identities[0];
    const refused = await socialOnly.request(`/auth/identities/${only?.id}`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("last_sign_in_method");
    expect(await countOf("external_identities", "id = $1", [only?.id])).toBe(1);

    const { email, owner } = await verifiedPasswordAccount();
    await socialSignIn(owner, providerAccount(uniqueEmail("second-way")), {
      query: { intent: "link", return_to: "/auth/account/security" },
    });
    const listed = (await (await owner.request("/auth/identities")).json()) as { identities: { id: string }[] };
    const id = listed.identities[0]?.id;
    const removed = await owner.request(`/auth/identities/${id}`, { method: "DELETE" });
    expect(removed.status).toBe(200);
    expect(await countOf("external_identities", "id = $1", [id])).toBe(0);
    const notices = await ctx.sql<{ template: string }>("SELECT template FROM outbox_messages WHERE recipient = $1", [
      email,
    ]);
    expect(notices.map((row) => row.template)).toContain("identity_unlinked_notice");
    const missing = await owner.request(`/auth/identities/${crypto.randomUUID()}`, { method: "DELETE" });
    expect(missing.status).toBe(404);
  });
});
