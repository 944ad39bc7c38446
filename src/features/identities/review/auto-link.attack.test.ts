// Review of issue 13 (external identities): account takeover through the email a provider vouches
// for: autoLink before the second factor, autoLink without telling the owner, and NFKC folding that
// turns a provider's look-alike address into an existing (or future) account's. Each test states the
// safe behaviour; the ones that fail are findings (see the review report).
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpBrowser,
  testEnv,
  uniqueEmail,
} from "../../../../test/helpers/auth.ts";
import type { TestClient } from "../../../../test/helpers/client.ts";
import { mintFirebaseToken } from "../../../../test/helpers/federated-tokens.ts";
import { locationOf, providerAccount, socialSignIn } from "../../../../test/helpers/oauth-flow.ts";
import { codeAt, enrollTotp } from "../../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  // The suite's `oidc` entry with autoLink on (allowed for oidc: the operator trusts its emails).
  const entries = JSON.parse(String(testEnv.OAUTH_PROVIDERS)) as Record<string, unknown>[];
  const withAutoLink = entries.map((entry) => (entry.id === "oidc" ? { ...entry, autoLink: true } : entry));
  ctx = await setUpAuthTest({ OAUTH_PROVIDERS: JSON.stringify(withAutoLink) });
});

const countOf = (table: string, where?: string, params?: unknown[]) => ctx.count(table, where, params);

const identitiesOf = (email: string) =>
  countOf("external_identities", "user_id = (SELECT id FROM users WHERE email = $1)", [email]);

async function verifiedPasswordAccount(email = uniqueEmail("owner")): Promise<{ email: string; owner: TestClient }> {
  const owner = await signUpBrowser(ctx, email);
  await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
  return { email, owner };
}

async function sessionEmailOf(client: TestClient): Promise<string | null> {
  const response = await client.request("/auth/session");
  if (response.status !== 200) return null;
  return ((await response.json()) as { user: { email: string } }).user.email;
}

/** The same address with its first letter in full width (U+FF41…): NFKC folds it back to ASCII. */
const fullWidthTwin = (email: string) => String.fromCodePoint(0xff41 + email.charCodeAt(0) - 0x61) + email.slice(1);

describe("autoLink", () => {
  it("links a new identity only once the account's second factor has been shown", async () => {
    const { email, owner } = await verifiedPasswordAccount();
    const { secret } = await enrollTotp(owner);
    const account = providerAccount(email);
    const browser = ctx.client();
    const response = await socialSignIn(browser, account);
    expect(locationOf(response)).toBe("/auth/two-factor?return_to=%2Fdashboard");
    // Someone who controls the mailbox (or the provider account) but not the authenticator gets nothing lasting.
    expect(await countOf("external_identities", "subject = $1", [account.sub])).toBe(0);

    const challenge = browser.cookies.get("__Host-portcullis_mfa") ?? "";
    const verify = await browser.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret) } });
    expect(verify.status).toBe(200);
    expect(await countOf("external_identities", "subject = $1", [account.sub])).toBe(1);
  });

  it("mails the account's owner when it adds a way in, as every other link does", async () => {
    const { email } = await verifiedPasswordAccount();
    const browser = ctx.client();
    expect(locationOf(await socialSignIn(browser, providerAccount(email)))).toBe("/dashboard");
    expect(await identitiesOf(email)).toBe(1);
    const notices = await ctx.sql<{ template: string }>("SELECT template FROM outbox_messages WHERE recipient = $1", [
      email,
    ]);
    expect(notices.map((row) => row.template)).toContain("identity_linked_notice");
  });
});

describe("the provider's email as the account key", () => {
  it("does not sign a provider's full-width look-alike of an address in to that address's account", async () => {
    const { email } = await verifiedPasswordAccount(uniqueEmail("kate"));
    const lookalike = fullWidthTwin(email);
    expect(lookalike).not.toBe(email);
    expect(lookalike.normalize("NFKC").toLowerCase()).toBe(email);
    const attacker = ctx.client();
    await socialSignIn(attacker, providerAccount(lookalike));
    expect(await sessionEmailOf(attacker)).not.toBe(email);
    expect(await identitiesOf(email)).toBe(0);
  });

  it("does not create an account under an address the provider never verified (pre-hijacking by NFKC folding)", async () => {
    const email = uniqueEmail("future");
    const lookalike = fullWidthTwin(email);
    await socialSignIn(ctx.client(), providerAccount(lookalike));
    // Had it been created, the real owner's later password reset would land in an account the attacker can still enter.
    expect(await countOf("users", "email = $1", [email])).toBe(0);
  });

  it("does not provision an account under the ASCII twin of a full-width address a federated issuer vouched for", async () => {
    const email = uniqueEmail("fed-future");
    const lookalike = fullWidthTwin(email);
    const sub = `fed-${crypto.randomUUID()}`;
    const token = await mintFirebaseToken({ email: lookalike, email_verified: true, sub, user_id: sub });
    const fields = {
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: token,
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    };
    await ctx.client().request("/auth/token", { json: fields, origin: null });
    expect(await countOf("users", "email = $1", [email])).toBe(0);
  });
});
