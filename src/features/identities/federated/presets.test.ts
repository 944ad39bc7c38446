import { describe, expect, it } from "vitest";
import { testEnv } from "../../../../test/helpers/env.ts";
import { createKeyScope } from "../../../../test/helpers/federated-scope.ts";
import { federatedSigningKey, MINT_BY_PRESET } from "../../../../test/helpers/federated-tokens.ts";
import type { FederatedPresetName } from "../../../../test/providers/federated-presets.ts";
import { verifyFederatedIdToken } from "./verify.ts";

const deps = (now = new Date()) => ({ kv: testEnv.AUTH_KV, now, environment: "test" as const });
const PRESETS: FederatedPresetName[] = ["firebase", "cognito", "auth0", "okta", "oidc"];

describe.each(PRESETS)("%s ID tokens", (preset) => {
  const mint = MINT_BY_PRESET[preset];

  it("verifies a token as the provider issues it and returns the profile", async () => {
    const { issuers, issuer } = createKeyScope();
    const token = await mint();
    const result = await verifyFederatedIdToken(deps(), issuers, token);
    expect(result.kind).toBe("profile");
    if (result.kind !== "profile") return;
    const claims = JSON.parse(atob(token.split(".")[1] as string)) as Record<string, unknown>;
    expect(result.issuer.id).toBe(issuer(preset).id);
    expect(result.profile).toMatchObject({
      providerId: issuer(preset).id,
      providerType: preset,
      issuer: claims.iss,
      subject: claims.sub,
      email: claims.email,
    });
  });

  it("refuses a token for another audience", async () => {
    const { issuers } = createKeyScope();
    const result = await verifyFederatedIdToken(deps(), issuers, await mint({ aud: "someone-else" }));
    expect(result).toEqual({ kind: "invalid", reason: "wrong_audience" });
  });

  it("refuses a token from an issuer that is not configured", async () => {
    const { issuers } = createKeyScope();
    const result = await verifyFederatedIdToken(deps(), issuers, await mint({ iss: "https://evil.example.com/" }));
    expect(result).toEqual({ kind: "invalid", reason: "unknown_issuer" });
  });

  it("refuses an expired token, and accepts one within the 60 s clock tolerance", async () => {
    const { issuers } = createKeyScope();
    const now = Math.floor(Date.now() / 1000);
    const expired = await mint({ iat: now - 7200, exp: now - 120, auth_time: now - 7300 });
    expect(await verifyFederatedIdToken(deps(), issuers, expired)).toEqual({ kind: "invalid", reason: "expired" });
    const justExpired = await mint({ iat: now - 3600, exp: now - 30, auth_time: now - 3700 });
    expect((await verifyFederatedIdToken(deps(), issuers, justExpired)).kind).toBe("profile");
  });

  it("refuses a token without exp", async () => {
    const { issuers } = createKeyScope();
    const result = await verifyFederatedIdToken(deps(), issuers, await mint({ exp: undefined }));
    expect(result).toEqual({ kind: "invalid", reason: "invalid_claims" });
  });

  it("refuses a token issued in the future", async () => {
    const { issuers } = createKeyScope();
    const now = Math.floor(Date.now() / 1000);
    const result = await verifyFederatedIdToken(deps(), issuers, await mint({ iat: now + 600, exp: now + 4200 }));
    expect(result).toEqual({ kind: "invalid", reason: "not_yet_valid" });
  });

  it("refuses a token whose nbf lies ahead", async () => {
    const { issuers } = createKeyScope();
    const now = Math.floor(Date.now() / 1000);
    const result = await verifyFederatedIdToken(deps(), issuers, await mint({ nbf: now + 600 }));
    expect(result).toEqual({ kind: "invalid", reason: "not_yet_valid" });
  });

  it("refuses a token whose signature does not match its claims", async () => {
    const { issuers } = createKeyScope();
    const [header, , signature] = (await mint()).split(".");
    const [, otherPayload] = (await mint()).split(".");
    const result = await verifyFederatedIdToken(deps(), issuers, `${header}.${otherPayload}.${signature}`);
    expect(result).toEqual({ kind: "invalid", reason: "invalid_signature" });
  });

  it("refetches once for an unknown kid, then refuses it; a second unknown kid within 30 s fetches nothing", async () => {
    const keyScope = createKeyScope();
    const now = new Date();
    expect((await verifyFederatedIdToken(deps(now), keyScope.issuers, await mint())).kind).toBe("profile");
    const before = await keyScope.requests(preset);
    const stranger = { ...federatedSigningKey(preset), kid: "never-published-1" };
    const first = await verifyFederatedIdToken(deps(now), keyScope.issuers, await mint({}, { key: stranger }));
    expect(first).toEqual({ kind: "invalid", reason: "invalid_signature" });
    const afterFirst = await keyScope.requests(preset);
    expect(afterFirst.keys).toBe(before.keys + 1);
    const other = { ...stranger, kid: "never-published-2" };
    const later = new Date(now.getTime() + 20_000);
    const second = await verifyFederatedIdToken(deps(later), keyScope.issuers, await mint({}, { key: other }));
    expect(second).toEqual({ kind: "invalid", reason: "invalid_signature" });
    expect(await keyScope.requests(preset)).toEqual(afterFirst);
  });

  it("accepts a token signed with a rotated-in key after one refetch", async () => {
    const keyScope = createKeyScope();
    expect((await verifyFederatedIdToken(deps(), keyScope.issuers, await mint())).kind).toBe("profile");
    const rotated = await keyScope.rotate(preset);
    const before = await keyScope.requests(preset);
    const result = await verifyFederatedIdToken(deps(), keyScope.issuers, await mint({}, { key: rotated }));
    expect(result.kind).toBe("profile");
    expect((await keyScope.requests(preset)).keys).toBe(before.keys + 1);
    // The old key is still published and still works, without another fetch.
    expect((await verifyFederatedIdToken(deps(), keyScope.issuers, await mint())).kind).toBe("profile");
    expect((await keyScope.requests(preset)).keys).toBe(before.keys + 1);
  });

  it("keeps the keys across calls: ten verifications, one fetch", async () => {
    const keyScope = createKeyScope();
    for (let index = 0; index < 10; index++) {
      expect((await verifyFederatedIdToken(deps(), keyScope.issuers, await mint())).kind).toBe("profile");
    }
    expect((await keyScope.requests(preset)).keys).toBe(1);
  });
});
