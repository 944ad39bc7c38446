import { exports } from "cloudflare:workers";
import { createLocalJWKSet, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpApi, testEnv } from "../../../test/helpers/auth.ts";
import { workerWith } from "../../../test/helpers/worker.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type Jwks = { keys: Array<Record<string, string>> };

describe("GET /.well-known/jwks.json", () => {
  it("publishes only public keys, cacheable", async () => {
    const response = await exports.default.fetch("http://localhost/.well-known/jwks.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const { keys } = (await response.json()) as Jwks;
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toHaveProperty("d");
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    }
  });

  it("verifies our access tokens (as any third party would)", async () => {
    const session = await signUpApi(ctx);
    const jwks = (await (await ctx.worker.fetch("/.well-known/jwks.json")).json()) as Jwks;
    const { payload, protectedHeader } = await jwtVerify(session.accessToken, createLocalJWKSet(jwks as never), {
      issuer: testEnv.ISSUER,
      audience: testEnv.ISSUER,
      typ: "at+jwt",
      algorithms: ["ES256"],
    });
    expect(protectedHeader.kid).toBe(JSON.parse(testEnv.SIGNING_KEYS).current);
    expect(payload.sid).toBe(session.id);
  });

  it("keeps a previous key published during rotation", async () => {
    const set = JSON.parse(testEnv.SIGNING_KEYS) as { current: string; keys: Array<Record<string, string>> };
    const oldKey = { ...set.keys[0], kid: "previous-key" };
    const rotated = JSON.stringify({ current: set.current, keys: [...set.keys, oldKey] });
    const withOld = await workerWith({ DATABASE_URL: ctx.databaseUrl, SIGNING_KEYS: rotated }).fetch(
      "/.well-known/jwks.json",
    );
    const { keys } = (await withOld.json()) as Jwks;
    expect(keys.map((key) => key.kid).sort()).toEqual([set.current, "previous-key"].sort());
  });
});

describe("GET /auth/verify", () => {
  it("returns the verified claims without touching the database, and 401 without a token", async () => {
    const session = await signUpApi(ctx);
    const edgeOnly = workerWith({ DATABASE_URL: testEnv.UNREACHABLE_DATABASE_URL });
    const response = await edgeOnly.fetch("/auth/verify", {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sessionId: session.id, amr: ["pwd"], roles: [] });
    const anonymous = await edgeOnly.fetch("/auth/verify");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe("Bearer");
  });
});
