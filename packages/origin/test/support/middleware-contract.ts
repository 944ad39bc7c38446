// What every framework middleware must do, as `it` blocks run against a real framework instance and a fake gateway.
import { expect, it } from "vitest";
import { type AssertionVerifierOptions, createAssertionVerifier } from "../../src/assertion.ts";
import type { OriginMiddlewareOptions } from "../../src/refusal.ts";
import {
  type FakeGateway,
  generateSigningKey,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_NOW_MILLISECONDS,
  TEST_NOW_SECONDS,
} from "./fake-gateway.ts";

/** The path the protected test route answers on (the fake gateway's default `htp`), and its query. */
export const PROTECTED_PATH = "/api/items/7";

/** A request as each framework test sends it: a path with its query, and headers. */
export type MiddlewareRequest = { path: string; headers: Record<string, string> };
export type MiddlewareResponse = { status: number; body: unknown; headers: Headers };
/** Builds an app with the middleware made from `options` and returns how to send it a request. */
export type AppUnderTest = (
  options: OriginMiddlewareOptions,
) => Promise<(request: MiddlewareRequest) => Promise<MiddlewareResponse>>;

/** Options for a middleware under test: the fake gateway's keys and a fixed clock. */
export function middlewareOptions(gateway: FakeGateway): AssertionVerifierOptions {
  return { jwksUrl: gateway.jwksUrl, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, now: () => TEST_NOW_MILLISECONDS };
}

type RefusalCase = { name: string; headers: (gateway: FakeGateway) => Promise<Record<string, string>>; code: string };

const withAssertion = (assertion: string) => ({ "x-auth-assertion": assertion });

/** Requests each middleware must refuse with 401 and the code named (a fresh assertion each). */
const REFUSAL_CASES: RefusalCase[] = [
  {
    name: "no assertion, even with spoofed X-Auth-* headers",
    headers: async () => ({ "x-auth-user-id": "user_1", "x-auth-roles": "admin" }),
    code: "missing_assertion",
  },
  {
    name: "an assertion signed by a key the gateway does not publish, under its kid",
    headers: async (gateway) => {
      const impostor = { ...(await generateSigningKey()), kid: gateway.currentKey.kid };
      return withAssertion(await gateway.signAssertion({}, { key: impostor }));
    },
    code: "invalid_signature",
  },
  {
    name: "an assertion for another origin",
    headers: async (gateway) => withAssertion(await gateway.signAssertion({ aud: "billing" })),
    code: "wrong_audience",
  },
  {
    name: "an expired assertion",
    headers: async (gateway) =>
      withAssertion(await gateway.signAssertion({ iat: TEST_NOW_SECONDS - 50, exp: TEST_NOW_SECONDS - 20 })),
    code: "expired",
  },
  {
    name: "an assertion issued for another path",
    headers: async (gateway) => withAssertion(await gateway.signAssertion({ htp: "/api/admin" })),
    code: "path_mismatch",
  },
  { name: "a token that is not a JWS", headers: async () => withAssertion("not-a-jwt"), code: "malformed_assertion" },
];

/** Declares the middleware contract's tests for one framework. */
export function describeMiddlewareContract(gateway: () => FakeGateway, appUnderTest: AppUnderTest): void {
  it("lets a valid assertion through and puts the verified identity on the request", async () => {
    const send = await appUnderTest(middlewareOptions(gateway()));
    const assertion = await gateway().signAssertion({ jti: "contract-valid", name: "Ada", preferred_username: "ada" });
    const response = await send({ path: `${PROTECTED_PATH}?view=full`, headers: withAssertion(assertion) });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      identity: {
        userId: "user_1",
        sessionId: "session_1",
        email: "ada@example.com",
        emailVerified: true,
        roles: ["admin", "editor"],
        tenant: "tenant_1",
        tenantSlug: "acme",
        amr: ["pwd"],
        name: "Ada",
        username: "ada",
        route: "api",
        authSource: "cookie",
        issuedAt: TEST_NOW_SECONDS,
        expiresAt: TEST_NOW_SECONDS + 30,
        assertionId: "contract-valid",
      },
    });
  });

  for (const refusal of REFUSAL_CASES) {
    it(`refuses ${refusal.name} with 401 ${refusal.code}`, async () => {
      const send = await appUnderTest(middlewareOptions(gateway()));
      const response = await send({ path: PROTECTED_PATH, headers: await refusal.headers(gateway()) });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: { code: refusal.code, message: expect.any(String) } });
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    });
  }

  it("refuses the same assertion the second time with 401 replayed", async () => {
    const send = await appUnderTest(middlewareOptions(gateway()));
    const headers = withAssertion(await gateway().signAssertion());
    expect((await send({ path: PROTECTED_PATH, headers })).status).toBe(200);
    const replay = await send({ path: PROTECTED_PATH, headers });
    expect([replay.status, replay.body]).toEqual([401, { error: { code: "replayed", message: expect.any(String) } }]);
  });

  it("answers 503 jwks_unavailable when the gateway's keys cannot be fetched", async () => {
    const verifier = createAssertionVerifier({
      ...middlewareOptions(gateway()),
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    const send = await appUnderTest({ verifier });
    const response = await send({ path: PROTECTED_PATH, headers: withAssertion(await gateway().signAssertion()) });
    expect([response.status, response.body]).toEqual([
      503,
      { error: { code: "jwks_unavailable", message: expect.any(String) } },
    ]);
  });
}
