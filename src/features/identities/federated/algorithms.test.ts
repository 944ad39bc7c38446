import { base64url, exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { testEnv } from "../../../../test/helpers/env.ts";
import { createKeyScope } from "../../../../test/helpers/federated-scope.ts";
import { federatedSigningKey, MINT_BY_PRESET } from "../../../../test/helpers/federated-tokens.ts";
import type { FederatedPresetName } from "../../../../test/providers/federated-presets.ts";
import { findIssuerOfToken, verifyFederatedIdToken } from "./verify.ts";

const deps = () => ({ kv: testEnv.AUTH_KV, now: new Date(), environment: "test" as const });
const PRESETS: FederatedPresetName[] = ["firebase", "cognito", "auth0", "okta", "oidc"];

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[1] as string))) as Record<
    string,
    unknown
  >;
}

describe.each(PRESETS)("%s: algorithm pinning", (preset) => {
  const mint = MINT_BY_PRESET[preset];

  it("refuses alg none", async () => {
    const { issuers } = createKeyScope();
    const claims = claimsOf(await mint());
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    const unsigned = `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
    expect(await verifyFederatedIdToken(deps(), issuers, unsigned)).toEqual({
      kind: "invalid",
      reason: "algorithm_not_allowed",
    });
  });

  it("refuses HS256 signed with the provider's public key as the secret", async () => {
    const { issuers } = createKeyScope();
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = federatedSigningKey(preset).privateJwk;
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const forged = await new SignJWT(claimsOf(await mint()))
      .setProtectedHeader({ alg: "HS256", kid: federatedSigningKey(preset).kid })
      .sign(secret);
    expect(await verifyFederatedIdToken(deps(), issuers, forged)).toEqual({
      kind: "invalid",
      reason: "algorithm_not_allowed",
    });
  });

  it("refuses ES256 while RS256 is pinned, even with a published kid", async () => {
    const keyScope = createKeyScope();
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const key = {
      kid: federatedSigningKey(preset).kid,
      privateJwk: { ...(await exportJWK(privateKey)), alg: "ES256" },
    };
    const token = await mint({}, { key, header: { alg: "ES256" } });
    expect(await verifyFederatedIdToken(deps(), keyScope.issuers, token)).toEqual({
      kind: "invalid",
      reason: "algorithm_not_allowed",
    });
    // Refused before any key is fetched.
    expect((await keyScope.requests(preset)).keys).toBe(0);
  });

  it("refuses an RS512 token while RS256 is pinned", async () => {
    const { issuers } = createKeyScope();
    const token = await mint({}, { header: { alg: "RS512" } });
    expect(await verifyFederatedIdToken(deps(), issuers, token)).toEqual({
      kind: "invalid",
      reason: "algorithm_not_allowed",
    });
  });

  it("refuses an access token typed at+jwt", async () => {
    const { issuers } = createKeyScope();
    const token = await mint({}, { header: { typ: "at+jwt" } });
    expect(await verifyFederatedIdToken(deps(), issuers, token)).toEqual({
      kind: "invalid",
      reason: "wrong_token_use",
    });
  });
});

describe("tokens that are not JWTs of a configured issuer", () => {
  it.each([
    ["garbage", "not-a-token"],
    ["two segments", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"],
    ["a header that is not JSON", "bm90IGpzb24.eyJzdWIiOiJ4In0.c2ln"],
    ["an empty string", ""],
    ["a huge token", `${"a".repeat(20_000)}.b.c`],
  ])("answers malformed for %s", async (_name, token) => {
    const { issuers } = createKeyScope();
    expect(await verifyFederatedIdToken(deps(), issuers, token)).toEqual({ kind: "invalid", reason: "malformed" });
    expect(findIssuerOfToken(issuers, token)).toBeNull();
  });

  it("finds the issuer by the exact iss only (no trailing-slash or case variants)", async () => {
    const { issuers, issuer } = createKeyScope();
    const auth0 = await MINT_BY_PRESET.auth0();
    expect(findIssuerOfToken(issuers, auth0)?.id).toBe(issuer("auth0").id);
    const withoutSlash = await MINT_BY_PRESET.auth0({ iss: String(claimsOf(auth0).iss).replace(/\/$/, "") });
    expect(findIssuerOfToken(issuers, withoutSlash)).toBeNull();
    const upperCase = await MINT_BY_PRESET.okta({
      iss: String(claimsOf(await MINT_BY_PRESET.okta()).iss).toUpperCase(),
    });
    expect(findIssuerOfToken(issuers, upperCase)).toBeNull();
    expect(await verifyFederatedIdToken(deps(), issuers, upperCase)).toEqual({
      kind: "invalid",
      reason: "unknown_issuer",
    });
  });
});
