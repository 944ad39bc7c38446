import { describe, expect, it } from "vitest";
import { testEnv } from "../../../../test/helpers/env.ts";
import { createKeyScope } from "../../../../test/helpers/federated-scope.ts";
import { federatedSigningKey, mintCognitoToken, mintFirebaseToken } from "../../../../test/helpers/federated-tokens.ts";
import { createKeyCache, keysKvKey } from "./key-cache.ts";
import { keyTtlFromCacheControl } from "./key-fetch.ts";
import { verifyFederatedIdToken, verifyFederatedIdTokenWith } from "./verify.ts";

const deps = (now = new Date()) => ({ kv: testEnv.AUTH_KV, now, environment: "test" as const });
const strangerKey = (kid: string) => ({ ...federatedSigningKey("cognito"), kid });

async function kvExpirationOf(issuerId: string): Promise<number | undefined> {
  const listed = await testEnv.AUTH_KV.list({ prefix: keysKvKey(issuerId) });
  return listed.keys.find((key) => key.name === keysKvKey(issuerId))?.expiration;
}

describe("federated key cache", () => {
  it("keeps the fetched JWKS in KV for as long as Cache-Control allows", async () => {
    const keyScope = createKeyScope();
    const issuer = keyScope.issuer("cognito");
    expect((await verifyFederatedIdToken(deps(), keyScope.issuers, await mintCognitoToken())).kind).toBe("profile");
    const stored = JSON.parse((await testEnv.AUTH_KV.get(keysKvKey(issuer.id), "text")) ?? "null") as {
      format: string;
      source: string;
      jwks: { keys: Array<{ kid: string; d?: string }> };
    };
    expect(stored).toMatchObject({ format: "jwks", source: issuer.keys.url });
    expect(stored.jwks.keys.map((key) => key.kid)).toEqual([federatedSigningKey("cognito").kid]);
    expect(stored.jwks.keys[0]?.d).toBeUndefined();
    const expiration = (await kvExpirationOf(issuer.id)) ?? 0;
    expect(Math.abs(expiration - (Date.now() / 1000 + 3600))).toBeLessThan(30);
  });

  it("keeps Firebase's certificate map in KV", async () => {
    const keyScope = createKeyScope();
    expect((await verifyFederatedIdToken(deps(), keyScope.issuers, await mintFirebaseToken())).kind).toBe("profile");
    const stored = JSON.parse(
      (await testEnv.AUTH_KV.get(keysKvKey(keyScope.issuer("firebase").id), "text")) ?? "null",
    ) as {
      format: string;
      certificates: Record<string, string>;
    };
    expect(stored.format).toBe("x509");
    expect(stored.certificates[federatedSigningKey("firebase").kid]).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("bounds the cache lifetime to 5 minutes through 24 hours", async () => {
    const base = `${testEnv.FEDERATED_KEY_SERVER_URL}`;
    const short = createKeyScope();
    const shortScope = createKeyScope({ cognito: { jwksUri: `${base}/${short.scope}/cognito/jwks.json?maxAge=10` } });
    const long = createKeyScope();
    const longScope = createKeyScope({
      cognito: { jwksUri: `${base}/${long.scope}/cognito/jwks.json?maxAge=9999999` },
    });
    for (const scope of [shortScope, longScope]) {
      expect((await verifyFederatedIdToken(deps(), scope.issuers, await mintCognitoToken())).kind).toBe("profile");
    }
    const now = Date.now() / 1000;
    expect(Math.abs(((await kvExpirationOf(shortScope.issuer("cognito").id)) ?? 0) - (now + 300))).toBeLessThan(30);
    expect(Math.abs(((await kvExpirationOf(longScope.issuer("cognito").id)) ?? 0) - (now + 86_400))).toBeLessThan(30);
    expect(keyTtlFromCacheControl(null)).toBe(3600);
    expect(keyTtlFromCacheControl("no-store")).toBe(300);
    expect(keyTtlFromCacheControl("public, max-age=19826, must-revalidate, no-transform")).toBe(19_826);
  });

  it("serves another isolate from KV without fetching", async () => {
    const keyScope = createKeyScope();
    expect((await verifyFederatedIdToken(deps(), keyScope.issuers, await mintCognitoToken())).kind).toBe("profile");
    const otherIsolate = createKeyCache();
    const result = await verifyFederatedIdTokenWith(otherIsolate, deps(), keyScope.issuers, await mintCognitoToken());
    expect(result.kind).toBe("profile");
    expect((await keyScope.requests("cognito")).keys).toBe(1);
  });

  it("shares the 30 s refetch guard between isolates through KV", async () => {
    const keyScope = createKeyScope();
    const now = new Date();
    const unknown = await mintCognitoToken({}, { key: strangerKey("unknown-a") });
    expect(await verifyFederatedIdToken(deps(now), keyScope.issuers, unknown)).toEqual({
      kind: "invalid",
      reason: "invalid_signature",
    });
    expect((await keyScope.requests("cognito")).keys).toBe(2);
    const otherIsolate = createKeyCache();
    const later = new Date(now.getTime() + 10_000);
    const again = await mintCognitoToken({}, { key: strangerKey("unknown-b") });
    expect(await verifyFederatedIdTokenWith(otherIsolate, deps(later), keyScope.issuers, again)).toEqual({
      kind: "invalid",
      reason: "invalid_signature",
    });
    expect((await keyScope.requests("cognito")).keys).toBe(2);
  });

  it("refetches for an unknown kid again once 30 s have passed", async () => {
    const keyScope = createKeyScope();
    const now = new Date();
    const unknown = await mintCognitoToken({}, { key: strangerKey("unknown-c") });
    await verifyFederatedIdToken(deps(now), keyScope.issuers, unknown);
    expect((await keyScope.requests("cognito")).keys).toBe(2);
    const rotated = await keyScope.rotate("cognito");
    const soon = new Date(now.getTime() + 29_000);
    const rotatedToken = await mintCognitoToken({}, { key: rotated });
    expect(await verifyFederatedIdToken(deps(soon), keyScope.issuers, rotatedToken)).toEqual({
      kind: "invalid",
      reason: "invalid_signature",
    });
    const later = new Date(now.getTime() + 31_000);
    expect((await verifyFederatedIdToken(deps(later), keyScope.issuers, rotatedToken)).kind).toBe("profile");
    expect((await keyScope.requests("cognito")).keys).toBe(3);
  });

  it("makes one fetch for many concurrent verifications on a cold cache", async () => {
    const keyScope = createKeyScope();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => mintCognitoToken()));
    const results = await Promise.all(tokens.map((token) => verifyFederatedIdToken(deps(), keyScope.issuers, token)));
    expect(results.every((result) => result.kind === "profile")).toBe(true);
    expect((await keyScope.requests("cognito")).keys).toBe(1);
  });

  it("makes one refetch for concurrent tokens with a rotated-in kid, and accepts them all", async () => {
    const keyScope = createKeyScope();
    expect((await verifyFederatedIdToken(deps(), keyScope.issuers, await mintCognitoToken())).kind).toBe("profile");
    const rotated = await keyScope.rotate("cognito");
    const tokens = await Promise.all(Array.from({ length: 6 }, () => mintCognitoToken({}, { key: rotated })));
    const results = await Promise.all(tokens.map((token) => verifyFederatedIdToken(deps(), keyScope.issuers, token)));
    expect(results.map((result) => result.kind)).toEqual(Array(6).fill("profile"));
    expect((await keyScope.requests("cognito")).keys).toBe(2);
  });

  it("fetches again once the cached keys have expired", async () => {
    const keyScope = createKeyScope();
    await verifyFederatedIdToken(deps(), keyScope.issuers, await mintCognitoToken());
    const afterTtl = new Date(Date.now() + 3601_000);
    const token = await mintCognitoToken({}, { nowSeconds: Math.floor(afterTtl.getTime() / 1000) });
    expect((await verifyFederatedIdToken(deps(afterTtl), keyScope.issuers, token)).kind).toBe("profile");
    expect((await keyScope.requests("cognito")).keys).toBe(2);
  });

  it("answers keys_unavailable when the key endpoint fails or nothing listens", async () => {
    const base = testEnv.FEDERATED_KEY_SERVER_URL;
    const missing = createKeyScope({ cognito: { jwksUri: `${base}/nowhere/cognito/missing.json` } });
    expect(await verifyFederatedIdToken(deps(), missing.issuers, await mintCognitoToken())).toEqual({
      kind: "invalid",
      reason: "keys_unavailable",
    });
    const dead = createKeyScope({ cognito: { jwksUri: "http://127.0.0.1:9/jwks.json" } });
    expect(await verifyFederatedIdToken(deps(), dead.issuers, await mintCognitoToken())).toEqual({
      kind: "invalid",
      reason: "keys_unavailable",
    });
  });
});
