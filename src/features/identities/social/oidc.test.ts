// Generic OIDC against a real OpenID provider (oidc-provider): the whole flow and the response checks.
import { describe, expect, it } from "vitest";
import { signInAtProvider } from "../../../../test/helpers/oidc-provider.ts";
import { newFlowSecrets, testDeps, testProvider } from "../../../../test/helpers/social-flow.ts";
import { buildAuthorizationUrl, completeAuthorization, refreshProviderTokens } from "./index.ts";

const provider = testProvider("oidc");

async function signIn(account: Parameters<typeof signInAtProvider>[1], options?: { deny?: boolean }) {
  const secrets = newFlowSecrets("oidc");
  const url = await buildAuthorizationUrl(provider, secrets, testDeps());
  const callback = await signInAtProvider(url.href, account, options);
  return { secrets, url, callback };
}

describe("generic OIDC sign-in", () => {
  it("returns the provider's verified profile and its tokens", async () => {
    const { secrets, url, callback } = await signIn({
      sub: "oidc-user-1",
      email: "ada@example.com",
      emailVerified: true,
      name: "Ada Lovelace",
    });
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("nonce")).toBe(secrets.nonce);
    expect(callback.searchParams.get("iss")).toBe(provider.type === "oidc" ? provider.issuer : "");
    const outcome = await completeAuthorization(provider, secrets, callback.searchParams, testDeps());
    expect(outcome).toMatchObject({
      kind: "profile",
      profile: {
        providerId: "oidc",
        providerType: "oidc",
        issuer: provider.type === "oidc" ? provider.issuer : "",
        subject: "oidc-user-1",
        email: "ada@example.com",
        emailVerified: true,
        name: "Ada Lovelace",
        legacyId: null,
      },
    });
    if (outcome.kind !== "profile") return;
    expect(outcome.tokens.accessToken.length).toBeGreaterThan(10);
    expect(outcome.tokens.refreshToken).toBeTruthy();
    expect(outcome.tokens.accessTokenExpiresAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it("reports an email the provider has not verified as unverified", async () => {
    const { secrets, callback } = await signIn({ sub: "oidc-user-2", email: "bob@example.com", emailVerified: false });
    const outcome = await completeAuthorization(provider, secrets, callback.searchParams, testDeps());
    expect(outcome).toMatchObject({ kind: "profile", profile: { email: "bob@example.com", emailVerified: false } });
  });

  it("answers denied when the user declines consent", async () => {
    const { secrets, callback } = await signIn({ sub: "oidc-user-3" }, { deny: true });
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(await completeAuthorization(provider, secrets, callback.searchParams, testDeps())).toEqual({
      kind: "denied",
    });
  });

  it("refuses a response whose state is not the flow's", async () => {
    const { secrets, callback } = await signIn({ sub: "oidc-user-4" });
    const outcome = await completeAuthorization(
      provider,
      { ...secrets, state: "another-flow" },
      callback.searchParams,
      testDeps(),
    );
    expect(outcome).toMatchObject({ kind: "invalid", reason: expect.stringContaining("state") });
  });

  it("refuses a response without iss or from another issuer (RFC 9207 mix-up defence)", async () => {
    const { secrets, callback } = await signIn({ sub: "oidc-user-5" });
    const missing = new URLSearchParams(callback.searchParams);
    missing.delete("iss");
    expect(await completeAuthorization(provider, secrets, missing, testDeps())).toMatchObject({
      kind: "invalid",
      reason: expect.stringContaining("iss"),
    });
    const other = new URLSearchParams(callback.searchParams);
    other.set("iss", "https://attacker.example");
    expect(await completeAuthorization(provider, secrets, other, testDeps())).toMatchObject({
      kind: "invalid",
      reason: expect.stringContaining("iss"),
    });
  });

  it("refuses a code used twice", async () => {
    const { secrets, callback } = await signIn({ sub: "oidc-user-6" });
    expect((await completeAuthorization(provider, secrets, callback.searchParams, testDeps())).kind).toBe("profile");
    expect(await completeAuthorization(provider, secrets, callback.searchParams, testDeps())).toEqual({
      kind: "invalid",
      reason: "token: provider answered invalid_grant",
    });
  });

  it("refuses the exchange with another PKCE verifier or redirect URI", async () => {
    const first = await signIn({ sub: "oidc-user-7" });
    expect(
      await completeAuthorization(
        provider,
        { ...first.secrets, codeVerifier: "x".repeat(43) },
        first.callback.searchParams,
        testDeps(),
      ),
    ).toEqual({ kind: "invalid", reason: "token: provider answered invalid_grant" });
    const second = await signIn({ sub: "oidc-user-7" });
    expect(
      await completeAuthorization(
        provider,
        { ...second.secrets, redirectUri: "http://localhost/auth/oauth/other/callback" },
        second.callback.searchParams,
        testDeps(),
      ),
    ).toEqual({ kind: "invalid", reason: "token: provider answered invalid_grant" });
  });

  it("refuses an ID token whose nonce is not the flow's", async () => {
    const { secrets, callback } = await signIn({ sub: "oidc-user-8" });
    const outcome = await completeAuthorization(
      provider,
      { ...secrets, nonce: "another-nonce" },
      callback.searchParams,
      testDeps(),
    );
    expect(outcome).toMatchObject({ kind: "invalid", reason: expect.stringContaining("nonce") });
  });
});

describe("refreshing stored provider tokens", () => {
  it("returns fresh tokens, then invalid_grant for the rotated-out refresh token", async () => {
    const { secrets, callback } = await signIn({ sub: "oidc-user-9", email: "rt@example.com", emailVerified: true });
    const outcome = await completeAuthorization(provider, secrets, callback.searchParams, testDeps());
    if (outcome.kind !== "profile" || !outcome.tokens.refreshToken) throw new Error("no refresh token");
    const first = outcome.tokens.refreshToken;
    const refreshed = await refreshProviderTokens(provider, first, testDeps());
    expect(refreshed.kind).toBe("tokens");
    if (refreshed.kind !== "tokens") return;
    expect(refreshed.tokens.accessToken).not.toBe(outcome.tokens.accessToken);
    expect(refreshed.tokens.refreshToken).toBeTruthy();
    expect(refreshed.tokens.refreshToken).not.toBe(first);
    expect(await refreshProviderTokens(provider, first, testDeps())).toEqual({ kind: "invalid_grant" });
  });

  it("answers invalid_grant for a refresh token the provider never issued", async () => {
    expect(await refreshProviderTokens(provider, "not-a-refresh-token", testDeps())).toEqual({ kind: "invalid_grant" });
  });
});
