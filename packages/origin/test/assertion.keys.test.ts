// createAssertionVerifier: algorithm pinning, signatures, key ids, JWKS rotation and JWKS outages.
import { base64url, exportSPKI, importJWK, SignJWT } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { type AssertionVerifierOptions, createAssertionVerifier } from "../src/assertion.ts";
import {
  defaultAssertionClaims,
  type FakeGateway,
  generateSigningKey,
  startFakeGateway,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_NOW_MILLISECONDS,
  unreachableJwksUrl,
} from "./support/fake-gateway.ts";

const gateways: FakeGateway[] = [];

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
});

async function newGateway(): Promise<FakeGateway> {
  const gateway = await startFakeGateway();
  gateways.push(gateway);
  return gateway;
}

function verifierFor(jwksUrl: string, options: Partial<AssertionVerifierOptions> = {}) {
  return createAssertionVerifier({
    jwksUrl,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    now: () => TEST_NOW_MILLISECONDS,
    ...options,
  });
}

function requestWith(assertion: string) {
  return { method: "GET", path: "/api/items/7", headers: { "x-auth-assertion": assertion } };
}

function encodeSegment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

describe("algorithm and signature", () => {
  it("refuses HS256 signed with the gateway's public key as the HMAC secret", async () => {
    const gateway = await newGateway();
    const publicKey = await importJWK(gateway.currentKey.publicJwk, "ES256");
    const secret = new TextEncoder().encode(await exportSPKI(publicKey as CryptoKey));
    const token = await new SignJWT(defaultAssertionClaims())
      .setProtectedHeader({ alg: "HS256", typ: "portcullis-assertion+jwt", kid: gateway.currentKey.kid })
      .sign(secret);
    expect(await verifierFor(gateway.jwksUrl)(requestWith(token))).toEqual({ ok: false, error: "invalid_signature" });
  });

  it("refuses alg none without fetching the JWKS", async () => {
    const gateway = await newGateway();
    const header = { alg: "none", typ: "portcullis-assertion+jwt", kid: gateway.currentKey.kid };
    const token = `${encodeSegment(header)}.${encodeSegment(defaultAssertionClaims())}.`;
    expect(await verifierFor(gateway.jwksUrl)(requestWith(token))).toEqual({ ok: false, error: "invalid_signature" });
    expect(gateway.jwksFetchCount).toBe(0);
  });

  it("refuses a tampered payload", async () => {
    const gateway = await newGateway();
    const [header, , signature] = (await gateway.signAssertion()).split(".");
    const forged = `${header}.${encodeSegment({ ...defaultAssertionClaims(), sub: "someone_else" })}.${signature}`;
    expect(await verifierFor(gateway.jwksUrl)(requestWith(forged))).toEqual({ ok: false, error: "invalid_signature" });
  });

  it("refuses a signature by an unpublished key that claims a published kid", async () => {
    const gateway = await newGateway();
    const impostor = { ...(await generateSigningKey()), kid: gateway.currentKey.kid };
    const token = await gateway.signAssertion({}, { key: impostor });
    expect(await verifierFor(gateway.jwksUrl)(requestWith(token))).toEqual({ ok: false, error: "invalid_signature" });
  });
});

describe("key ids and rotation", () => {
  it("refuses an unknown kid, and a missing one", async () => {
    const gateway = await newGateway();
    const verify = verifierFor(gateway.jwksUrl);
    const unknown = await gateway.signAssertion({}, { key: await generateSigningKey() });
    const withoutKid = await gateway.signAssertion({}, { header: { kid: undefined } });
    expect(await verify(requestWith(unknown))).toEqual({ ok: false, error: "unknown_key" });
    expect(await verify(requestWith(withoutKid))).toEqual({ ok: false, error: "unknown_key" });
  });

  it("refetches the JWKS when a new kid appears, and keeps accepting the previous key", async () => {
    const gateway = await newGateway();
    const verify = verifierFor(gateway.jwksUrl, { jwksCooldownSeconds: 0 });
    const signedBeforeRotation = await gateway.signAssertion();
    expect((await verify(requestWith(await gateway.signAssertion()))).ok).toBe(true);
    expect(gateway.jwksFetchCount).toBe(1);

    await gateway.rotateKey();
    const result = await verify(requestWith(await gateway.signAssertion()));
    expect(result.ok).toBe(true);
    expect(gateway.jwksFetchCount).toBe(2);
    expect((await verify(requestWith(signedBeforeRotation))).ok).toBe(true);
  });

  it("does not refetch for an unknown kid within the cooldown", async () => {
    const gateway = await newGateway();
    const verify = verifierFor(gateway.jwksUrl);
    expect((await verify(requestWith(await gateway.signAssertion()))).ok).toBe(true);
    await gateway.rotateKey();
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await verify(requestWith(await gateway.signAssertion()));
      expect(result).toEqual({ ok: false, error: "unknown_key" });
    }
    expect(gateway.jwksFetchCount).toBe(1);
  });
});

describe("JWKS availability", () => {
  it("is jwks_unavailable when nothing listens at the JWKS URL", async () => {
    const gateway = await newGateway();
    const verify = verifierFor(await unreachableJwksUrl());
    expect(await verify(requestWith(await gateway.signAssertion()))).toEqual({ ok: false, error: "jwks_unavailable" });
  });

  it("is jwks_unavailable while the JWKS answers with an error, and recovers when it is back", async () => {
    const gateway = await newGateway();
    const verify = verifierFor(gateway.jwksUrl);
    gateway.setJwksStatus(503);
    expect(await verify(requestWith(await gateway.signAssertion()))).toEqual({ ok: false, error: "jwks_unavailable" });
    gateway.setJwksStatus(200);
    expect((await verify(requestWith(await gateway.signAssertion()))).ok).toBe(true);
  });

  it("is jwks_unavailable when the injected fetch fails or times out", async () => {
    const gateway = await newGateway();
    const token = await gateway.signAssertion();
    const failures = [new TypeError("fetch failed"), new DOMException("timed out", "TimeoutError")];
    for (const failure of failures) {
      const verify = verifierFor(gateway.jwksUrl, { fetch: () => Promise.reject(failure) });
      expect(await verify(requestWith(token))).toEqual({ ok: false, error: "jwks_unavailable" });
    }
  });

  it("is jwks_unavailable when the JWKS is not a key set", async () => {
    const gateway = await newGateway();
    const fetchNotAKeySet: typeof fetch = async () => Response.json({ keys: "none" });
    const verify = verifierFor(gateway.jwksUrl, { fetch: fetchNotAKeySet });
    expect(await verify(requestWith(await gateway.signAssertion()))).toEqual({ ok: false, error: "jwks_unavailable" });
  });
});
