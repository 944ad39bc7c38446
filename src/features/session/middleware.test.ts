// requireSession(): every forged or stale token is refused; revocation works with no database at all.
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { Hono } from "hono";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, type ErrorBody, setUpAuthTest, signUpApi, testEnv } from "../../../test/helpers/auth.ts";
import { signAccessToken } from "../../crypto/access-token.ts";
import { loadSigningKeys, signingKeySetSchema } from "../../crypto/signing-keys.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { config } from "../../http/config-middleware.ts";
import { handleError, handleNotFound } from "../../http/error-handler.ts";
import { requestId } from "../../http/request-id.ts";
import { requireSession } from "./middleware.ts";

let ctx: AuthTestContext;
let session: Awaited<ReturnType<typeof signUpApi>>;
const keySet = signingKeySetSchema.parse(JSON.parse(testEnv.SIGNING_KEYS));
const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  ctx = await setUpAuthTest();
  session = await signUpApi(ctx);
});

// An app with only the edge check, bound to a database that does not exist: if the middleware
// touched Postgres, every request would fail.
function edgeOnlyApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId(), config());
  app.get("/protected", requireSession(), (c) =>
    c.json({ userId: c.var.session.userId, sessionId: c.var.session.sessionId }),
  );
  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}

const edgeEnv = (overrides: Record<string, unknown> = {}) => ({
  ...testEnv,
  DATABASE_URL: testEnv.UNREACHABLE_DATABASE_URL,
  ...overrides,
});

async function callWith(token: string | undefined, envOverrides: Record<string, unknown> = {}) {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return edgeOnlyApp().request("/protected", { headers }, edgeEnv(envOverrides));
}

async function expectRefused(token: string | undefined) {
  const response = await callWith(token);
  expect(response.status).toBe(401);
  expect(((await response.json()) as ErrorBody).error.code).toBe("unauthenticated");
  expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
}

const claimsOf = (token: string) =>
  JSON.parse(atob(token.split(".")[1]?.replace(/-/g, "+").replace(/_/g, "/") ?? "")) as Record<string, unknown>;
const encodeJson = (value: unknown) => encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify(value)));

describe("requireSession", () => {
  it("accepts a valid access token without touching the database", async () => {
    const response = await callWith(session.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: claimsOf(session.accessToken).sub, sessionId: session.id });
  });

  it("answers 401 with WWW-Authenticate when no token is sent", async () => {
    await expectRefused(undefined);
  });

  it("refuses alg none", async () => {
    const [header, payload] = session.accessToken.split(".");
    const decoded = JSON.parse(atob((header ?? "").replace(/-/g, "+").replace(/_/g, "/")));
    await expectRefused(`${encodeJson({ ...decoded, alg: "none" })}.${payload}.`);
  });

  it("refuses HS256 signed with the public key (algorithm confusion)", async () => {
    const current = keySet.keys[0];
    const publicJwk = { kty: current?.kty, crv: current?.crv, x: current?.x, y: current?.y };
    const forged = await new SignJWT(claimsOf(session.accessToken))
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: keySet.current })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    await expectRefused(forged);
  });

  it("refuses a wrong typ, audience or issuer even when properly signed", async () => {
    const keys = await loadSigningKeys(keySet);
    const claims = claimsOf(session.accessToken);
    const sign = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
      new SignJWT({ ...claims, ...payload })
        .setProtectedHeader({ alg: "ES256", kid: keySet.current, ...header } as never)
        .sign(keys.signingKey);
    await expectRefused(await sign({ typ: "JWT" }, {}));
    await expectRefused(await sign({ typ: "at+jwt" }, { aud: "https://other.example.com" }));
    await expectRefused(await sign({ typ: "at+jwt" }, { iss: "https://evil.example.com" }));
  });

  it("refuses an expired token", async () => {
    const keys = await loadSigningKeys(keySet);
    const claims = claimsOf(session.accessToken);
    const expired = await signAccessToken(
      keys,
      {
        sub: String(claims.sub),
        sid: session.id,
        email: session.email,
        emailVerified: false,
        membershipEpoch: 0,
        amr: ["pwd"],
        authTime: nowSeconds() - 600,
        roles: [],
      },
      {
        issuer: testEnv.ISSUER as string,
        audience: testEnv.ISSUER as string,
        nowSeconds: nowSeconds() - 600,
        ttlSeconds: 300,
      },
    );
    await expectRefused(expired);
  });

  it("refuses an unknown kid, and a known kid whose signature is from another key", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const claims = claimsOf(session.accessToken);
    const signWith = (kid: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid }).sign(privateKey);
    await expectRefused(await signWith("attacker-key"));
    await expectRefused(await signWith(keySet.current));
    expect((await exportJWK(privateKey)).kty).toBe("EC");
  });

  it("refuses a tampered payload", async () => {
    const [header, , signature] = session.accessToken.split(".");
    const tampered = encodeJson({ ...claimsOf(session.accessToken), sub: crypto.randomUUID() });
    await expectRefused(`${header}.${tampered}.${signature}`);
  });

  it("refuses a refresh token presented as an access token", async () => {
    await expectRefused(session.refreshToken);
  });

  it("refuses garbage in the Authorization header", async () => {
    await expectRefused("not.a.jwt");
    const response = await edgeOnlyApp().request(
      "/protected",
      { headers: { authorization: "Basic dXNlcjpwYXNz" } },
      edgeEnv(),
    );
    expect(response.status).toBe(401);
  });

  it("refuses a revoked session at once, with the database unreachable", async () => {
    const other = await signUpApi(ctx);
    expect((await callWith(other.accessToken)).status).toBe(200);
    const logout = await ctx
      .client()
      .request("/auth/logout", { bearer: other.accessToken, method: "POST", origin: null });
    expect(logout.status).toBe(204);
    await expectRefused(other.accessToken);
  });

  it("fails closed with 503 when KV cannot be read", async () => {
    const brokenKv = {
      get: () => Promise.reject(new Error("KV unavailable")),
      put: () => Promise.reject(new Error("KV unavailable")),
    };
    const response = await callWith(session.accessToken, { AUTH_KV: brokenKv });
    expect(response.status).toBe(503);
    expect(((await response.json()) as ErrorBody).error.code).toBe("service_unavailable");
  });
});
