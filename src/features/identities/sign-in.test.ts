// The identity service's decisions for a validated external profile: sign up just in time, sign in by
// (provider, issuer, subject), never link by email without proof (pre-registration takeovers:
// better-auth < 1.7, Supabase unconfirmed identities), and the second factor after a social sign-in
// (better-auth #10322).
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import { enrollTotp } from "../../../test/helpers/second-factors.ts";
import { NO_CLIENT, withServiceDeps } from "../../../test/helpers/services.ts";
import type { ExternalProfile } from "./external-profile.ts";
import { completeLink } from "./link-intents.ts";
import { type ExternalSignInInput, signInWithExternalIdentity } from "./sign-in.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

function profileFor(email: string | null, overrides: Partial<ExternalProfile> = {}): ExternalProfile {
  return {
    providerId: "oidc",
    providerType: "oidc",
    issuer: "https://op.example.com",
    subject: `sub-${crypto.randomUUID()}`,
    email,
    emailVerified: true,
    name: "Ada Lovelace",
    profile: { name: "Ada Lovelace" },
    metadata: {},
    legacyId: null,
    ...overrides,
  };
}

const signIn = (profile: ExternalProfile, extra: Partial<ExternalSignInInput> = {}) =>
  withServiceDeps(ctx, (deps) =>
    signInWithExternalIdentity(deps, {
      profile,
      autoLink: false,
      tokens: null,
      client: NO_CLIENT,
      via: "oauth",
      ...extra,
    }),
  );

const countOf = (table: string, where?: string, params?: unknown[]) => ctx.count(table, where, params);

async function verifiedAccount(email = uniqueEmail()) {
  const client = await signUpBrowser(ctx, email);
  await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
  const [row] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
  return { client, email, userId: row?.id ?? "" };
}

describe("signing in with an external identity", () => {
  it("provisions a verified user on the first sign-in and finds them by subject afterwards", async () => {
    const email = uniqueEmail("jit");
    const profile = profileFor(email.toUpperCase());
    const first = await signIn(profile);
    expect(first.kind).toBe("signed_in");
    if (first.kind !== "signed_in") return;
    expect(first.created).toBe(true);
    const [user] = await ctx.sql<{ id: string; verified: boolean; name: string }>(
      "SELECT id, email_verified_at IS NOT NULL AS verified, name FROM users WHERE email = $1",
      [email],
    );
    expect(user).toMatchObject({ verified: true, name: "Ada Lovelace" });
    const [session] = await ctx.sql<{ amr: string[] }>("SELECT amr FROM sessions WHERE id = $1", [
      first.tokens.sessionId,
    ]);
    expect(session?.amr).toEqual(["fed"]);

    // The provider now reports another address: the identity still finds the same user.
    const again = await signIn({ ...profile, email: uniqueEmail("renamed") });
    expect(again).toMatchObject({ kind: "signed_in", created: false });
    expect(await countOf("external_identities", "user_id = $1", [user?.id])).toBe(1);
  });

  it("creates one user for concurrent first sign-ins of the same identity", async () => {
    const profile = profileFor(uniqueEmail("race"));
    const results = await Promise.all(Array.from({ length: 4 }, () => signIn(profile)));
    expect(results.map((r) => r.kind)).toEqual(["signed_in", "signed_in", "signed_in", "signed_in"]);
    expect(await countOf("users", "email = $1", [profile.email])).toBe(1);
    expect(await countOf("external_identities", "subject = $1", [profile.subject])).toBe(1);
  });

  it("refuses a new identity whose provider does not vouch for its email, the same way with and without an account", async () => {
    const { email } = await verifiedAccount();
    const before = await ctx.snapshot();
    expect(await signIn(profileFor(email, { emailVerified: false }))).toEqual({ kind: "provider_email_unverified" });
    expect(await signIn(profileFor(uniqueEmail("nobody"), { emailVerified: false }))).toEqual({
      kind: "provider_email_unverified",
    });
    const after = await ctx.snapshot();
    expect({ ...after, audit_events: 0 }).toEqual({ ...before, audit_events: 0 });
  });

  it("refuses a profile without an email", async () => {
    expect(await signIn(profileFor(null))).toEqual({ kind: "email_missing" });
  });

  it("never links to an account whose own email was never confirmed (pre-registration takeover), even with autoLink", async () => {
    const email = uniqueEmail("prereg");
    await signUpBrowser(ctx, email); // the attacker registers the victim's address and never confirms it
    const profile = profileFor(email);
    expect(await signIn(profile)).toEqual({ kind: "account_unverified" });
    expect(await signIn(profile, { autoLink: true })).toEqual({ kind: "account_unverified" });
    expect(await countOf("external_identities", "subject = $1", [profile.subject])).toBe(0);
    expect(await countOf("identity_link_intents", "subject = $1", [profile.subject])).toBe(0);
  });

  it("asks for proof instead of linking by email, and links with autoLink only when both emails are verified", async () => {
    const { email, userId } = await verifiedAccount();
    const profile = profileFor(email);
    const asked = await signIn(profile);
    expect(asked).toMatchObject({ kind: "link_required", email });
    expect(await countOf("external_identities", "user_id = $1", [userId])).toBe(0);

    const linked = await signIn(profile, { autoLink: true });
    expect(linked).toMatchObject({ kind: "signed_in", created: false });
    expect(await countOf("external_identities", "user_id = $1 AND subject = $2", [userId, profile.subject])).toBe(1);
  });

  it("asks for the second factor after a social sign-in when the user has one", async () => {
    const { client, email } = await verifiedAccount();
    await enrollTotp(client);
    const profile = profileFor(email);
    // autoLink on an account with a second factor asks for it first and links nothing yet.
    const held = await signIn(profile, { autoLink: true });
    expect(held).toMatchObject({ kind: "mfa_required" });
    expect(await countOf("external_identities", "subject = $1", [profile.subject])).toBe(0);
    const [pending] = await ctx.sql<{ pending_link_id: string | null }>(
      "SELECT pending_link_id FROM mfa_challenges ORDER BY created_at DESC LIMIT 1",
    );
    expect(pending?.pending_link_id).toBeTruthy();
    // Linked with proof (a session that showed the second factor), the identity asks for it every time.
    const asked = await signIn(profile);
    if (asked.kind !== "link_required") throw new Error(`expected link_required, got ${asked.kind}`);
    const [owner] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
    const session = { userId: owner?.id ?? "", authTime: Math.floor(Date.now() / 1000), amr: ["pwd", "otp", "mfa"] };
    await withServiceDeps(ctx, (deps) => completeLink(deps, { token: asked.linkToken, session, client: NO_CLIENT }));
    const result = await signIn(profile);
    expect(result).toMatchObject({ kind: "mfa_required", methods: expect.arrayContaining(["totp"]) });
    const [challenge] = await ctx.sql<{ first_factor: string }>(
      "SELECT first_factor FROM mfa_challenges ORDER BY created_at DESC LIMIT 1",
    );
    expect(challenge?.first_factor).toBe("fed");
  });

  it("refuses a disabled user and starts no session", async () => {
    const profile = profileFor(uniqueEmail("disabled"));
    await signIn(profile);
    await ctx.sql("UPDATE users SET status = 'DISABLED' WHERE email = $1", [profile.email]);
    const sessions = await countOf("sessions");
    expect(await signIn(profile)).toEqual({ kind: "disabled" });
    expect(await countOf("sessions")).toBe(sessions);
  });
});

describe("completing a pending link", () => {
  async function pendingLink() {
    const account = await verifiedAccount();
    const profile = profileFor(account.email);
    const result = await signIn(profile);
    if (result.kind !== "link_required") throw new Error(`expected link_required, got ${result.kind}`);
    return { ...account, profile, token: result.linkToken };
  }
  const complete = (token: string, session: { userId: string; authTime: number; amr: string[] }) =>
    withServiceDeps(ctx, (deps) => completeLink(deps, { token, session, client: NO_CLIENT }));
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it("links once a session of that account, begun after the request, presents it; the token then is spent", async () => {
    const { userId, profile, token } = await pendingLink();
    const result = await complete(token, { userId, authTime: nowSeconds(), amr: ["pwd"] });
    expect(result).toMatchObject({ kind: "linked", providerId: "oidc" });
    expect(await countOf("external_identities", "user_id = $1 AND subject = $2", [userId, profile.subject])).toBe(1);
    expect(await complete(token, { userId, authTime: nowSeconds(), amr: ["pwd"] })).toEqual({ kind: "invalid_token" });
  });

  it("refuses a session that began before the request, another account's session, and a made-up token", async () => {
    const { userId, profile, token } = await pendingLink();
    const other = await verifiedAccount();
    expect(await complete(token, { userId, authTime: nowSeconds() - 3600, amr: ["pwd"] })).toEqual({
      kind: "proof_required",
    });
    expect(await complete(token, { userId: other.userId, authTime: nowSeconds(), amr: ["pwd"] })).toEqual({
      kind: "wrong_account",
    });
    expect(await complete("not-a-token", { userId, authTime: nowSeconds(), amr: ["pwd"] })).toEqual({
      kind: "invalid_token",
    });
    expect(await countOf("external_identities", "subject = $1", [profile.subject])).toBe(0);
  });

  it("requires the second factor in the proving session when the account has one", async () => {
    const { client, userId, profile, token } = await pendingLink();
    await enrollTotp(client);
    expect(await complete(token, { userId, authTime: nowSeconds(), amr: ["pwd"] })).toEqual({ kind: "proof_required" });
    expect(await complete(token, { userId, authTime: nowSeconds(), amr: ["pwd", "otp", "mfa"] })).toMatchObject({
      kind: "linked",
    });
    expect(await countOf("external_identities", "subject = $1", [profile.subject])).toBe(1);
  });
});
