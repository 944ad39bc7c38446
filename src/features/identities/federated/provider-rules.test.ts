import { describe, expect, it } from "vitest";
import { testEnv } from "../../../../test/helpers/env.ts";
import { createKeyScope } from "../../../../test/helpers/federated-scope.ts";
import {
  mintAuth0Token,
  mintCognitoAccessToken,
  mintCognitoToken,
  mintFirebaseToken,
  mintOidcToken,
  mintOktaAccessToken,
  mintOktaToken,
} from "../../../../test/helpers/federated-tokens.ts";
import { TEST_AUTH0, TEST_COGNITO } from "../../../../test/providers/federated-presets.ts";
import { verifyFederatedIdToken } from "./verify.ts";

const deps = () => ({ kv: testEnv.AUTH_KV, now: new Date(), environment: "test" as const });
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function profileOf(issuers: Parameters<typeof verifyFederatedIdToken>[1], token: string) {
  const result = await verifyFederatedIdToken(deps(), issuers, token);
  if (result.kind !== "profile") throw new Error(`expected a profile, got ${result.reason}`);
  return result.profile;
}

describe("Firebase", () => {
  it("returns the uid as subject and legacy id, the sign-in provider and a verified email", async () => {
    const { issuers } = createKeyScope();
    const profile = await profileOf(
      issuers,
      await mintFirebaseToken({ sub: "uid-123", user_id: "uid-123", email: "fi@example.com" }),
    );
    expect(profile).toMatchObject({
      providerType: "firebase",
      issuer: "https://securetoken.google.com/portcullis-test",
      subject: "uid-123",
      legacyId: "uid-123",
      email: "fi@example.com",
      emailVerified: true,
      name: "Fiona Base",
      metadata: { sign_in_provider: "password" },
    });
  });

  it("reports an unverified email as unverified", async () => {
    const { issuers } = createKeyScope();
    const profile = await profileOf(issuers, await mintFirebaseToken({ email_verified: false }));
    expect(profile.emailVerified).toBe(false);
  });

  it("refuses anonymous sign-ins unless the entry allows them", async () => {
    const anonymous = {
      firebase: { identities: {}, sign_in_provider: "anonymous" },
      email: undefined,
      email_verified: undefined,
    };
    const strict = createKeyScope();
    expect(await verifyFederatedIdToken(deps(), strict.issuers, await mintFirebaseToken(anonymous))).toEqual({
      kind: "invalid",
      reason: "anonymous_not_allowed",
    });
    const lenient = createKeyScope({ firebase: { allowAnonymous: true } });
    const profile = await profileOf(lenient.issuers, await mintFirebaseToken(anonymous));
    expect(profile).toMatchObject({ email: null, emailVerified: false, metadata: { sign_in_provider: "anonymous" } });
  });

  it("refuses an auth_time in the future or missing, a uid over 128 characters and a user_id that is not sub", async () => {
    const { issuers } = createKeyScope();
    const refused = { kind: "invalid", reason: "invalid_claims" };
    expect(
      await verifyFederatedIdToken(deps(), issuers, await mintFirebaseToken({ auth_time: nowSeconds() + 600 })),
    ).toEqual(refused);
    expect(await verifyFederatedIdToken(deps(), issuers, await mintFirebaseToken({ auth_time: undefined }))).toEqual(
      refused,
    );
    const long = "u".repeat(129);
    expect(
      await verifyFederatedIdToken(deps(), issuers, await mintFirebaseToken({ sub: long, user_id: long })),
    ).toEqual(refused);
    expect(await verifyFederatedIdToken(deps(), issuers, await mintFirebaseToken({ user_id: "someone-else" }))).toEqual(
      refused,
    );
  });

  it("refuses a token of another Firebase project", async () => {
    const { issuers } = createKeyScope();
    const other = await mintFirebaseToken({
      iss: "https://securetoken.google.com/other-project",
      aud: "other-project",
    });
    expect(await verifyFederatedIdToken(deps(), issuers, other)).toEqual({ kind: "invalid", reason: "unknown_issuer" });
  });
});

describe("Cognito", () => {
  it('returns the username in metadata and reads the string "true" as a verified email', async () => {
    const { issuers } = createKeyScope();
    const profile = await profileOf(issuers, await mintCognitoToken({ "cognito:username": "carla" }));
    expect(profile).toMatchObject({
      providerType: "cognito",
      issuer: `https://cognito-idp.eu-west-1.amazonaws.com/${TEST_COGNITO.userPoolId}`,
      emailVerified: true,
      legacyId: null,
      metadata: { "cognito:username": "carla" },
    });
    expect((await profileOf(issuers, await mintCognitoToken({ email_verified: true }))).emailVerified).toBe(true);
    expect((await profileOf(issuers, await mintCognitoToken({ email_verified: "false" }))).emailVerified).toBe(false);
  });

  it("accepts every configured app client and refuses other ones", async () => {
    const { issuers } = createKeyScope();
    expect((await profileOf(issuers, await mintCognitoToken({ aud: TEST_COGNITO.clientIds[1] }))).providerType).toBe(
      "cognito",
    );
    expect(await verifyFederatedIdToken(deps(), issuers, await mintCognitoToken({ aud: "unknown-client" }))).toEqual({
      kind: "invalid",
      reason: "wrong_audience",
    });
  });

  it("refuses access tokens, and ID tokens without token_use id", async () => {
    const { issuers } = createKeyScope();
    const wrongUse = { kind: "invalid", reason: "wrong_token_use" };
    expect(await verifyFederatedIdToken(deps(), issuers, await mintCognitoAccessToken())).toEqual(wrongUse);
    const withAudience = await mintCognitoAccessToken({ aud: TEST_COGNITO.clientIds[0] });
    expect(await verifyFederatedIdToken(deps(), issuers, withAudience)).toEqual(wrongUse);
    expect(await verifyFederatedIdToken(deps(), issuers, await mintCognitoToken({ token_use: undefined }))).toEqual(
      wrongUse,
    );
  });
});

describe("Auth0", () => {
  it("verifies a token whose iss ends in a slash, with the email unverified as Auth0 said", async () => {
    const { issuers } = createKeyScope();
    const profile = await profileOf(issuers, await mintAuth0Token({ sub: "auth0|abc" }));
    expect(profile).toMatchObject({
      providerType: "auth0",
      issuer: `https://${TEST_AUTH0.domain}/`,
      subject: "auth0|abc",
      emailVerified: false,
    });
    expect(profile.profile).toMatchObject({ nickname: expect.any(String), picture: expect.stringMatching(/^https:/) });
  });

  it("accepts an audience list only with azp naming the client", async () => {
    const { issuers } = createKeyScope();
    const aud = [TEST_AUTH0.audience, `https://${TEST_AUTH0.domain}/userinfo`];
    expect((await profileOf(issuers, await mintAuth0Token({ aud, azp: TEST_AUTH0.audience }))).providerType).toBe(
      "auth0",
    );
    const wrongAudience = { kind: "invalid", reason: "wrong_audience" };
    expect(await verifyFederatedIdToken(deps(), issuers, await mintAuth0Token({ aud }))).toEqual(wrongAudience);
    expect(await verifyFederatedIdToken(deps(), issuers, await mintAuth0Token({ aud, azp: "another-client" }))).toEqual(
      wrongAudience,
    );
    expect(await verifyFederatedIdToken(deps(), issuers, await mintAuth0Token({ azp: "another-client" }))).toEqual(
      wrongAudience,
    );
  });

  it("pins PS256 where the entry says so, and never uses a key published for RS256 under PS256", async () => {
    const rs256Only = createKeyScope();
    const ps256Token = await mintAuth0Token({}, { header: { alg: "PS256" } });
    expect(await verifyFederatedIdToken(deps(), rs256Only.issuers, ps256Token)).toEqual({
      kind: "invalid",
      reason: "algorithm_not_allowed",
    });
    const ps256 = createKeyScope({ auth0: { algorithms: ["PS256"] } });
    expect(await verifyFederatedIdToken(deps(), ps256.issuers, await mintAuth0Token())).toEqual({
      kind: "invalid",
      reason: "algorithm_not_allowed",
    });
    // The published JWK says alg RS256: it checks no PS256 signature, even one made with its private half.
    expect(await verifyFederatedIdToken(deps(), ps256.issuers, ps256Token)).toEqual({
      kind: "invalid",
      reason: "invalid_signature",
    });
  });
});

describe("Okta", () => {
  it("returns the idp in metadata and a verified email", async () => {
    const { issuers } = createKeyScope();
    const profile = await profileOf(issuers, await mintOktaToken());
    expect(profile).toMatchObject({
      providerType: "okta",
      issuer: "https://portcullis-test.okta.com/oauth2/default",
      emailVerified: true,
      metadata: { idp: "00o1a2b3c4d5e6f7g8h9" },
    });
  });

  it("refuses the authorization server's access tokens", async () => {
    const { issuers } = createKeyScope();
    expect(await verifyFederatedIdToken(deps(), issuers, await mintOktaAccessToken())).toEqual({
      kind: "invalid",
      reason: "wrong_audience",
    });
    const aimedAtClient = await mintOktaAccessToken({ aud: "okta-client-id" });
    expect(await verifyFederatedIdToken(deps(), issuers, aimedAtClient)).toEqual({
      kind: "invalid",
      reason: "wrong_token_use",
    });
  });
});

describe("generic OIDC", () => {
  it("finds the keys through discovery, once, and maps the standard claims", async () => {
    const keyScope = createKeyScope();
    const profile = await profileOf(keyScope.issuers, await mintOidcToken({ email_verified: "true" }));
    expect(profile).toMatchObject({ providerType: "oidc", name: "Ola Idc", profile: { given_name: "Ola" } });
    // Only Cognito documents a string: elsewhere "true" is not a yes.
    expect(profile.emailVerified).toBe(false);
    await profileOf(keyScope.issuers, await mintOidcToken());
    expect(await keyScope.requests("oidc")).toEqual({ keys: 1, discovery: 1 });
  });

  it("refuses the keys when discovery names another issuer", async () => {
    const { issuers } = createKeyScope({ oidc: { issuer: "https://other-idp.portcullis.test" } });
    const token = await mintOidcToken({ iss: "https://other-idp.portcullis.test" });
    expect(await verifyFederatedIdToken(deps(), issuers, token)).toEqual({
      kind: "invalid",
      reason: "keys_unavailable",
    });
  });

  it("refuses a discovered plain-http jwks_uri in production", async () => {
    const { issuers } = createKeyScope();
    const production = { ...deps(), environment: "production" as const };
    expect(await verifyFederatedIdToken(production, issuers, await mintOidcToken())).toEqual({
      kind: "invalid",
      reason: "keys_unavailable",
    });
  });
});
