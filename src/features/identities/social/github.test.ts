// GitHub (no ID token): the user from /user, the email only when it is both primary and verified.
import { describe, expect, it } from "vitest";
import { newFlowSecrets, testDeps, testProvider } from "../../../../test/helpers/social-flow.ts";
import { authorizeAtLocalProvider, type GitHubAccount } from "../../../../test/helpers/social-providers.ts";
import { buildAuthorizationUrl, completeAuthorization, refreshProviderTokens } from "./index.ts";

const github = testProvider("github");

async function signIn(account: GitHubAccount, options: { deny?: boolean } = {}) {
  const secrets = newFlowSecrets("github");
  const url = await buildAuthorizationUrl(github, secrets, testDeps());
  const callback = await authorizeAtLocalProvider(url.href, account, options);
  return { url, outcome: await completeAuthorization(github, secrets, callback.searchParams, testDeps()) };
}

describe("GitHub sign-in", () => {
  it("asks for read:user and user:email with PKCE and no nonce", async () => {
    const url = await buildAuthorizationUrl(github, newFlowSecrets("github"), testDeps());
    expect(url.searchParams.get("scope")).toBe("read:user user:email");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.has("nonce")).toBe(false);
  });

  it("returns the numeric id as subject, the login as metadata and the primary verified email", async () => {
    const { outcome } = await signIn({
      sub: "583231",
      login: "octocat",
      name: "The Octocat",
      emails: [
        { email: "old@example.com", primary: false, verified: true },
        { email: "octocat@example.com", primary: true, verified: true },
      ],
    });
    expect(outcome).toMatchObject({
      kind: "profile",
      profile: {
        providerId: "github",
        providerType: "github",
        issuer: "https://github.com",
        subject: "583231",
        email: "octocat@example.com",
        emailVerified: true,
        name: "The Octocat",
        metadata: { login: "octocat" },
      },
    });
  });

  it("gives no email when the primary address is not verified, even if another one is", async () => {
    const { outcome } = await signIn({
      sub: "583232",
      login: "unverified",
      emails: [
        { email: "primary@example.com", primary: true, verified: false },
        { email: "secondary@example.com", primary: false, verified: true },
      ],
    });
    expect(outcome).toMatchObject({ kind: "profile", profile: { email: null, emailVerified: false, name: null } });
  });

  it("gives no email when the token may not read the addresses (404 without user:email)", async () => {
    const { outcome } = await signIn({ sub: "583233", login: "private" });
    expect(outcome).toMatchObject({
      kind: "profile",
      profile: { subject: "583233", email: null, emailVerified: false },
    });
  });

  it("answers denied when the user cancels", async () => {
    const { outcome } = await signIn({ sub: "583234", login: "cancels" }, { deny: true });
    expect(outcome).toEqual({ kind: "denied" });
  });

  it("refuses a code used twice (GitHub answers 200 with an error body)", async () => {
    const secrets = newFlowSecrets("github");
    const url = await buildAuthorizationUrl(github, secrets, testDeps());
    const callback = await authorizeAtLocalProvider(url.href, { sub: "583235", login: "replay", emails: [] });
    expect((await completeAuthorization(github, secrets, callback.searchParams, testDeps())).kind).toBe("profile");
    expect(await completeAuthorization(github, secrets, callback.searchParams, testDeps())).toMatchObject({
      kind: "invalid",
      reason: expect.stringContaining("token:"),
    });
  });

  it("refreshes an expiring token, and answers invalid_grant for a spent one (bad_refresh_token)", async () => {
    const { outcome } = await signIn({ sub: "583236", login: "refresher", emails: [] });
    if (outcome.kind !== "profile" || !outcome.tokens.refreshToken) throw new Error("no refresh token");
    expect(outcome.tokens.scope).toBe("read:user,user:email");
    const refreshed = await refreshProviderTokens(github, outcome.tokens.refreshToken, testDeps());
    expect(refreshed.kind).toBe("tokens");
    expect(await refreshProviderTokens(github, outcome.tokens.refreshToken, testDeps())).toEqual({
      kind: "invalid_grant",
    });
  });
});
