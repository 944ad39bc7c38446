// Sign in with Apple: form_post callbacks, the name only the first time, string booleans, ES256 client secret.
import { describe, expect, it } from "vitest";
import { newFlowSecrets, testDeps, testProvider } from "../../../../test/helpers/social-flow.ts";
import { type AppleAccount, authorizeAtApple } from "../../../../test/helpers/social-providers.ts";
import { buildAuthorizationUrl, completeAuthorization, refreshProviderTokens } from "./index.ts";
import type { AppleProvider } from "./provider-types.ts";

const apple = testProvider("apple") as AppleProvider;

async function signIn(account: AppleAccount, options: { deny?: boolean } = {}) {
  const secrets = newFlowSecrets("apple");
  const url = await buildAuthorizationUrl(apple, secrets, testDeps());
  const posted = await authorizeAtApple(url.href, account, options);
  return { url, posted, outcome: await completeAuthorization(apple, secrets, posted.fields, testDeps()) };
}

describe("Sign in with Apple", () => {
  it("asks for form_post with name and email scopes, a nonce and PKCE", async () => {
    const secrets = newFlowSecrets("apple");
    const url = await buildAuthorizationUrl(apple, secrets, testDeps());
    expect(url.searchParams.get("response_mode")).toBe("form_post");
    expect(url.searchParams.get("scope")).toBe("name email");
    expect(url.searchParams.get("nonce")).toBe(secrets.nonce);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  });

  it("takes the name from the first sign-in's user field, and never again", async () => {
    const account: AppleAccount = {
      sub: "001234.apple-user-1",
      email: "abc123@privaterelay.appleid.com",
      is_private_email: "true",
      name_object: { firstName: "Grace", lastName: "Hopper" },
    };
    const first = await signIn(account);
    expect(first.posted.action.href).toBe("http://localhost/auth/oauth/apple/callback");
    expect(first.posted.fields.has("user")).toBe(true);
    expect(first.outcome).toMatchObject({
      kind: "profile",
      profile: {
        providerType: "apple",
        issuer: apple.issuer,
        subject: "001234.apple-user-1",
        email: "abc123@privaterelay.appleid.com",
        emailVerified: true,
        name: "Grace Hopper",
        profile: { given_name: "Grace", family_name: "Hopper" },
        metadata: { is_private_email: true },
      },
    });
    const second = await signIn(account);
    expect(second.posted.fields.has("user")).toBe(false);
    expect(second.outcome).toMatchObject({ kind: "profile", profile: { subject: "001234.apple-user-1", name: null } });
  });

  it('reads email_verified "false" as unverified and ignores the unsigned email in the user field', async () => {
    const { outcome } = await signIn({
      sub: "001234.apple-user-2",
      email: "real@example.com",
      email_verified: "false",
    });
    expect(outcome).toMatchObject({
      kind: "profile",
      profile: { email: "real@example.com", emailVerified: false, metadata: {} },
    });
  });

  it("answers denied when the user cancels (user_cancelled_authorize)", async () => {
    const { posted, outcome } = await signIn({ sub: "001234.apple-user-3" }, { deny: true });
    expect(posted.fields.get("error")).toBe("user_cancelled_authorize");
    expect(outcome).toEqual({ kind: "denied" });
  });

  it("is refused by Apple when the client secret is signed with another key", async () => {
    const other = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
    const pkcs8 = new Uint8Array(
      (await crypto.subtle.exportKey("pkcs8", (other as CryptoKeyPair).privateKey)) as ArrayBuffer,
    );
    const pem = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...pkcs8))}\n-----END PRIVATE KEY-----\n`;
    const impostor: AppleProvider = { ...apple, id: "apple-impostor", privateKey: pem };
    const secrets = newFlowSecrets("apple");
    const url = await buildAuthorizationUrl(impostor, secrets, testDeps());
    const posted = await authorizeAtApple(url.href, { sub: "001234.apple-user-4" });
    expect(await completeAuthorization(impostor, secrets, posted.fields, testDeps())).toEqual({
      kind: "invalid",
      reason: "token: provider answered invalid_client",
    });
  });

  it("refreshes with a freshly minted client secret", async () => {
    const { outcome } = await signIn({ sub: "001234.apple-user-5" });
    if (outcome.kind !== "profile" || !outcome.tokens.refreshToken) throw new Error("no refresh token");
    expect((await refreshProviderTokens(apple, outcome.tokens.refreshToken, testDeps())).kind).toBe("tokens");
  });
});
