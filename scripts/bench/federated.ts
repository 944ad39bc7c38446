// `npm run bench -- --federated`: POST /auth/token (RFC 8693) for a known user with the issuer's keys
// cached, against a password login in the same stack, interleaved. The issuer is an Auth0-shaped entry
// whose JWKS a loopback server here publishes; tokens are minted here. Bounded; loopback only.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { post, signUp } from "./auth.ts";
import { stop, timeToFirstOk } from "./dev-gateway.ts";
import { summarize } from "./stats.ts";

const DOMAIN = "bench.portcullis.test";
const AUDIENCE = "bench-client";
const GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const WARMUP = 10;

async function startKeyServer() {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench-1", alg: "RS256", use: "sig" };
  let fetches = 0;
  const server = createServer((_request, response) => {
    fetches++;
    response.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=3600" });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  return { url, privateKey, fetches: () => fetches, close: () => new Promise((resolve) => server.close(resolve)) };
}

export async function benchFederated(root: string, requests: number) {
  const keys = await startKeyServer();
  const issuers = [{ id: "bench", type: "auth0", domain: DOMAIN, audience: AUDIENCE, jwksUri: keys.url }];
  const gateway = await timeToFirstOk(`${root}/federated`, { FEDERATED_ISSUERS: JSON.stringify(issuers) });
  try {
    const baseUrl = `http://127.0.0.1:${gateway.port}`;
    const sub = `auth0|${randomUUID()}`;
    const email = `bench-fed-${randomUUID()}@example.com`;
    const mint = () => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ email, email_verified: true, name: "Bench User" })
        .setProtectedHeader({ alg: "RS256", kid: "bench-1", typ: "JWT" })
        .setIssuer(`https://${DOMAIN}/`)
        .setAudience(AUDIENCE)
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(keys.privateKey);
    };
    const exchange = async () => {
      const response = await post(baseUrl, "/auth/token", {
        grant_type: GRANT,
        subject_token: await mint(),
        subject_token_type: ID_TOKEN,
      });
      if (response.status !== 200) throw new Error(`exchange failed: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    };
    const password = await signUp(baseUrl);
    const login = async () => {
      const response = await post(baseUrl, "/auth/login", {
        email: password.email,
        password: "correct horse battery staple 42",
        client: "api",
      });
      if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
      await response.arrayBuffer();
    };
    // The first exchange provisions the user and caches the keys; the measured ones find both.
    for (let i = 0; i < WARMUP; i++) await exchange();
    const exchangeMs: number[] = [];
    const loginMs: number[] = [];
    for (let i = 0; i < requests; i++) {
      let started = performance.now();
      await exchange();
      exchangeMs.push(performance.now() - started);
      started = performance.now();
      await login();
      loginMs.push(performance.now() - started);
    }
    return {
      requests,
      keyFetches: keys.fetches(),
      exchangeKnownUserMs: summarize(exchangeMs),
      passwordLoginMs: summarize(loginMs),
    };
  } finally {
    await stop(gateway.dev);
    await keys.close();
  }
}
