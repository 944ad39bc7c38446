// Test support (Node only): a stand-in gateway that serves a JWKS over node:http and signs assertions.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { ASSERTION_TYPE } from "../../src/assertion.ts";

export const TEST_ISSUER = "https://auth.example.com";
export const TEST_AUDIENCE = "app";
/** A fixed clock for verifiers under test, in milliseconds (2027-01-15). */
export const TEST_NOW_MILLISECONDS = 1_800_000_000_000;
export const TEST_NOW_SECONDS = TEST_NOW_MILLISECONDS / 1000;

export type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK };

export type FakeGateway = {
  jwksUrl: string;
  /** The key new assertions are signed with. */
  readonly currentKey: SigningKey;
  /** How many times the JWKS has been fetched. */
  readonly jwksFetchCount: number;
  /** Publishes a new current key; the previous keys stay published, as during a real rotation. */
  rotateKey: () => Promise<SigningKey>;
  /** Makes the JWKS endpoint answer with `status` and no keys (200 restores it). */
  setJwksStatus: (status: number) => void;
  /** Signs an assertion; `claims` override the defaults, and an `undefined` claim is left out. */
  signAssertion: (
    claims?: Record<string, unknown>,
    options?: { header?: Record<string, unknown>; key?: SigningKey },
  ) => Promise<string>;
  close: () => Promise<void>;
};

/** Generates an ES256 key pair with a random kid. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const kid = crypto.randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

/** The claims the gateway sends for `GET /api/items/7`, issued at `nowSeconds`. */
export function defaultAssertionClaims(nowSeconds = TEST_NOW_SECONDS): Record<string, unknown> {
  return {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: "user_1",
    sid: "session_1",
    email: "ada@example.com",
    email_verified: true,
    roles: ["admin", "editor"],
    tenant: "tenant_1",
    tenant_slug: "acme",
    amr: ["pwd"],
    route: "api",
    auth_src: "cookie",
    iat: nowSeconds,
    exp: nowSeconds + 30,
    jti: crypto.randomUUID(),
    htm: "GET",
    htp: "/api/items/7",
  };
}

/** Starts a fake gateway on 127.0.0.1 with one published key. */
export async function startFakeGateway(): Promise<FakeGateway> {
  const keys = [await generateSigningKey()];
  let jwksFetchCount = 0;
  let jwksStatus = 200;

  const server = createServer((request, response) => {
    if (request.method !== "GET" || request.url !== "/.well-known/jwks.json") {
      response.writeHead(404).end();
      return;
    }
    jwksFetchCount++;
    const body = jwksStatus === 200 ? { keys: keys.map((key) => key.publicJwk) } : { error: "unavailable" };
    response.writeHead(jwksStatus, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const currentKey = () => keys[0] as SigningKey;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get currentKey() {
      return currentKey();
    },
    get jwksFetchCount() {
      return jwksFetchCount;
    },
    async rotateKey() {
      const key = await generateSigningKey();
      keys.unshift(key);
      return key;
    },
    setJwksStatus(status) {
      jwksStatus = status;
    },
    signAssertion(claims = {}, { header = {}, key = currentKey() } = {}) {
      const payload = Object.fromEntries(
        Object.entries({ ...defaultAssertionClaims(), ...claims }).filter(([, value]) => value !== undefined),
      );
      return new SignJWT(payload)
        .setProtectedHeader({ alg: "ES256", typ: ASSERTION_TYPE, kid: key.kid, ...header })
        .sign(key.privateKey);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** A loopback URL nothing listens on: a port the kernel handed out and that is closed again. */
export async function unreachableJwksUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/.well-known/jwks.json`;
}
