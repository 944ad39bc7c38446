// createAssertionVerifier: claims, request binding, replay and option checks against a fake gateway.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AssertionVerifierOptions, createAssertionVerifier } from "../src/assertion.ts";
import {
  type FakeGateway,
  startFakeGateway,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_NOW_MILLISECONDS,
  TEST_NOW_SECONDS,
} from "./support/fake-gateway.ts";

let gateway: FakeGateway;

beforeAll(async () => {
  gateway = await startFakeGateway();
});

afterAll(async () => {
  await gateway.close();
});

function verifierFor(options: Partial<AssertionVerifierOptions> = {}) {
  return createAssertionVerifier({
    jwksUrl: gateway.jwksUrl,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    now: () => TEST_NOW_MILLISECONDS,
    ...options,
  });
}

function requestWith(assertion: string | undefined, request: { method?: string; path?: string } = {}) {
  const headers: Record<string, string> = assertion === undefined ? {} : { "x-auth-assertion": assertion };
  return { method: request.method ?? "GET", path: request.path ?? "/api/items/7", headers };
}

async function errorFor(claims: Record<string, unknown>, request?: { method?: string; path?: string }) {
  const result = await verifierFor()(requestWith(await gateway.signAssertion(claims), request));
  return result.ok ? "ok" : result.error;
}

describe("a valid assertion", () => {
  it("yields the identity from the claims", async () => {
    const result = await verifierFor()(requestWith(await gateway.signAssertion({ jti: "assertion-1" })));
    expect(result).toEqual({
      ok: true,
      identity: {
        userId: "user_1",
        sessionId: "session_1",
        email: "ada@example.com",
        emailVerified: true,
        roles: ["admin", "editor"],
        tenant: "tenant_1",
        tenantSlug: "acme",
        amr: ["pwd"],
        route: "api",
        authSource: "cookie",
        issuedAt: TEST_NOW_SECONDS,
        expiresAt: TEST_NOW_SECONDS + 30,
        assertionId: "assertion-1",
      },
    });
  });

  it("leaves tenant and tenantSlug out when the assertion has none, and accepts empty roles", async () => {
    const result = await verifierFor()(
      requestWith(await gateway.signAssertion({ tenant: undefined, tenant_slug: undefined, roles: [] })),
    );
    expect(result.ok && result.identity).toMatchObject({ roles: [] });
    expect(result.ok && "tenant" in result.identity).toBe(false);
    expect(result.ok && "tenantSlug" in result.identity).toBe(false);
  });

  it("reads the header from a Headers object and from a record whatever the name's case", async () => {
    const verify = verifierFor({ rejectReplays: false });
    const token = await gateway.signAssertion();
    const fromHeaders = await verify({
      method: "GET",
      path: "/api/items/7",
      headers: new Headers({ "X-Auth-Assertion": token }),
    });
    const fromRecord = await verify({ method: "GET", path: "/api/items/7", headers: { "X-Auth-Assertion": token } });
    expect([fromHeaders.ok, fromRecord.ok]).toEqual([true, true]);
  });

  it("accepts an assertion within the clock tolerance of its expiry", async () => {
    expect(await errorFor({ iat: TEST_NOW_SECONDS - 32, exp: TEST_NOW_SECONDS - 2 })).toBe("ok");
  });
});

describe("a missing or malformed assertion", () => {
  it("is missing_assertion when the header is absent or empty", async () => {
    const verify = verifierFor();
    expect(await verify(requestWith(undefined))).toEqual({ ok: false, error: "missing_assertion" });
    expect(await verify(requestWith("  "))).toEqual({ ok: false, error: "missing_assertion" });
  });

  it("is malformed_assertion when the header is not a JWS", async () => {
    const verify = verifierFor();
    for (const value of ["not-a-jwt", "a.b.c", "a.b.c.d.e", `${"a".repeat(9000)}.b.c`]) {
      expect(await verify(requestWith(value))).toEqual({ ok: false, error: "malformed_assertion" });
    }
  });

  it("is malformed_assertion when the request carries two assertion headers", async () => {
    const token = await gateway.signAssertion();
    const result = await verifierFor()({
      method: "GET",
      path: "/api/items/7",
      headers: { "x-auth-assertion": [token, token] },
    });
    expect(result).toEqual({ ok: false, error: "malformed_assertion" });
  });

  it("is malformed_assertion when a header record spells the name twice (no spelling wins)", async () => {
    const token = await gateway.signAssertion();
    const result = await verifierFor()({
      method: "GET",
      path: "/api/items/7",
      headers: { "X-Auth-Assertion": "forged", "x-auth-assertion": token },
    });
    expect(result).toEqual({ ok: false, error: "malformed_assertion" });
  });

  it("is malformed_assertion when a required claim is missing or mistyped", async () => {
    expect(await errorFor({ sid: undefined })).toBe("malformed_assertion");
    expect(await errorFor({ jti: undefined })).toBe("malformed_assertion");
    expect(await errorFor({ htp: undefined })).toBe("malformed_assertion");
    expect(await errorFor({ exp: undefined })).toBe("malformed_assertion");
    expect(await errorFor({ roles: "admin" })).toBe("malformed_assertion");
    expect(await errorFor({ amr: [1] })).toBe("malformed_assertion");
    expect(await errorFor({ email_verified: "true" })).toBe("malformed_assertion");
    expect(await errorFor({ tenant: 7 })).toBe("malformed_assertion");
    expect(await errorFor({ tenant_slug: ["acme"] })).toBe("malformed_assertion");
  });

  it("H2/M4: is malformed_assertion without the route that was applied or how the caller authenticated", async () => {
    expect(await errorFor({ route: undefined })).toBe("malformed_assertion");
    expect(await errorFor({ route: "" })).toBe("malformed_assertion");
    expect(await errorFor({ auth_src: undefined })).toBe("malformed_assertion");
    expect(await errorFor({ auth_src: "password" })).toBe("malformed_assertion");
    expect(await errorFor({ auth_src: "bearer" })).toBe("ok");
  });
});

describe("time checks", () => {
  it("refuses an expired assertion", async () => {
    expect(await errorFor({ iat: TEST_NOW_SECONDS - 40, exp: TEST_NOW_SECONDS - 10 })).toBe("expired");
  });

  it("refuses an assertion issued more than 60 s (plus tolerance) ago even if exp is later", async () => {
    expect(await errorFor({ iat: TEST_NOW_SECONDS - 70, exp: TEST_NOW_SECONDS + 20 })).toBe("expired");
  });

  it("refuses an assertion issued in the future beyond the tolerance", async () => {
    expect(await errorFor({ iat: TEST_NOW_SECONDS + 10, exp: TEST_NOW_SECONDS + 40 })).toBe("not_yet_valid");
    expect(await errorFor({ nbf: TEST_NOW_SECONDS + 10 })).toBe("not_yet_valid");
  });

  it("refuses a lifetime over 60 s", async () => {
    expect(await errorFor({ exp: TEST_NOW_SECONDS + 61 })).toBe("lifetime_too_long");
    expect(await errorFor({ exp: TEST_NOW_SECONDS + 60 })).toBe("ok");
  });
});

describe("issuer, audience and type", () => {
  it("refuses another issuer", async () => {
    expect(await errorFor({ iss: "https://evil.example.com" })).toBe("wrong_issuer");
    expect(await errorFor({ iss: `${TEST_ISSUER}/` })).toBe("wrong_issuer");
  });

  it("refuses another audience, and an audience list even when it names this origin", async () => {
    expect(await errorFor({ aud: "billing" })).toBe("wrong_audience");
    expect(await errorFor({ aud: [TEST_AUDIENCE, "billing"] })).toBe("wrong_audience");
  });

  it("refuses a token of another type, or of none", async () => {
    for (const typ of ["JWT", "at+jwt", undefined]) {
      const token = await gateway.signAssertion({}, { header: { typ } });
      const result = await verifierFor()(requestWith(token));
      expect(result).toEqual({ ok: false, error: "wrong_type" });
    }
  });
});

describe("request binding", () => {
  it("refuses an assertion issued for another method", async () => {
    expect(await errorFor({ htm: "GET" }, { method: "DELETE" })).toBe("method_mismatch");
    expect(await errorFor({ htm: "POST" }, { method: "get" })).toBe("method_mismatch");
  });

  it("compares the method case-insensitively on the request side", async () => {
    expect(await errorFor({ htm: "PATCH" }, { method: "patch" })).toBe("ok");
  });

  it("refuses an assertion issued for another path, compared exactly", async () => {
    expect(await errorFor({ htp: "/api/items/7" }, { path: "/api/items/8" })).toBe("path_mismatch");
    expect(await errorFor({ htp: "/api/items/7" }, { path: "/api/items/7/" })).toBe("path_mismatch");
    expect(await errorFor({ htp: "/api/items/7" }, { path: "/API/items/7" })).toBe("path_mismatch");
    expect(await errorFor({ htp: "/api/items/%37" }, { path: "/api/items/7" })).toBe("path_mismatch");
  });

  it("ignores the query string, and accepts a full URL as the request target", async () => {
    expect(await errorFor({ htp: "/api/items/7" }, { path: "/api/items/7?sort=asc&x=/other" })).toBe("ok");
    expect(await errorFor({ htp: "/api/items/7" }, { path: "/api/items/7?" })).toBe("ok");
    expect(await errorFor({ htp: "/api/items/7" }, { path: "https://app.example.com/api/items/7?a=1" })).toBe("ok");
  });

  it("refuses a full URL whose path parsing would change (dot segments, encoded dots, backslashes)", async () => {
    // Express and Fastify route such an absolute-form target as written, not as WHATWG URL resolves it.
    for (const target of [
      "http://app.example.com/admin/%2e%2e/api/items/7",
      "http://app.example.com/admin/../api/items/7",
      "http://app.example.com/admin/x/%2E%2E/../api/items/7?a=1",
      "http://app.example.com\\api/items/7",
      "http://app.example.com/api\\items/7",
      "http://app.example.com/api/items/7#x",
    ]) {
      expect([target, await errorFor({ htp: "/api/items/7" }, { path: target })]).toEqual([target, "path_mismatch"]);
    }
  });
});

describe("replays", () => {
  it("refuses the second use of the same assertion", async () => {
    const verify = verifierFor();
    const request = requestWith(await gateway.signAssertion());
    expect((await verify(request)).ok).toBe(true);
    expect(await verify(request)).toEqual({ ok: false, error: "replayed" });
  });

  it("lets only one of two concurrent uses through", async () => {
    const verify = verifierFor();
    const request = requestWith(await gateway.signAssertion());
    const results = await Promise.all([verify(request), verify(request)]);
    expect(results.map((result) => (result.ok ? "ok" : result.error)).sort()).toEqual(["ok", "replayed"]);
  });

  it("does not spend an assertion on a refused request", async () => {
    const verify = verifierFor();
    const token = await gateway.signAssertion();
    expect(await verify(requestWith(token, { path: "/elsewhere" }))).toEqual({ ok: false, error: "path_mismatch" });
    expect((await verify(requestWith(token))).ok).toBe(true);
  });

  it("allows reuse when rejectReplays is false", async () => {
    const verify = verifierFor({ rejectReplays: false });
    const request = requestWith(await gateway.signAssertion());
    expect((await verify(request)).ok).toBe(true);
    expect((await verify(request)).ok).toBe(true);
  });
});

describe("options", () => {
  const base = { jwksUrl: "https://auth.example.com/.well-known/jwks.json", issuer: TEST_ISSUER, audience: "app" };

  it("are checked once, when the verifier is created", () => {
    expect(() => createAssertionVerifier({ ...base, jwksUrl: "not a url" })).toThrow(/jwksUrl/);
    expect(() => createAssertionVerifier({ ...base, jwksUrl: "http://auth.example.com/jwks" })).toThrow(/https/);
    expect(() => createAssertionVerifier({ ...base, issuer: "" })).toThrow(/issuer/);
    expect(() => createAssertionVerifier({ ...base, audience: " " })).toThrow(/audience/);
    expect(() => createAssertionVerifier({ ...base, clockToleranceSeconds: -1 })).toThrow(/clockToleranceSeconds/);
    expect(() => createAssertionVerifier({ ...base, maxReplayCacheEntries: 0 })).toThrow(/maxEntries/);
  });

  it("allow plain http only on loopback", () => {
    expect(() =>
      createAssertionVerifier({ ...base, jwksUrl: "http://localhost:8787/.well-known/jwks.json" }),
    ).not.toThrow();
    expect(() => createAssertionVerifier({ ...base, jwksUrl: new URL("http://[::1]:8787/jwks") })).not.toThrow();
  });
});
