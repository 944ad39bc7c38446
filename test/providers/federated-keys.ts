// A local key server for the federated issuers in tests, on 127.0.0.1: per preset a JWKS (Firebase:
// an X.509 certificate map, generic OIDC: discovery too), with Cache-Control, request counters and
// test-only key rotation. Every path starts with a scope, so a test gets counters and keys of its own.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { FEDERATED_PRESET_NAMES, type FederatedPresetName, TEST_OIDC } from "./federated-presets.ts";

/** A signing key as the token helpers need it: the private JWK carries `kid` and `alg`. */
export type TestSigningKey = { kid: string; privateJwk: webcrypto.JsonWebKey };
export type FederatedKeyServer = {
  url: string;
  /** Each preset's initial key, served in every scope. */
  keys: Record<FederatedPresetName, TestSigningKey>;
  close(): Promise<void>;
};

type ServedKey = TestSigningKey & { publicJwk: webcrypto.JsonWebKey; certificatePem: string | null };
type ScopeState = { rotated: Map<FederatedPresetName, ServedKey[]>; counts: Map<string, number> };

const RSA_PARAMS = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};
const DEFAULT_MAX_AGE_SECONDS = 3600;
// Bounded: a runaway test cannot make the server keep unbounded state.
const MAX_SCOPES = 2000;
const MAX_ROTATIONS_PER_PRESET = 20;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

async function generateServedKey(preset: FederatedPresetName, serial: number): Promise<ServedKey> {
  const pair = (await webcrypto.subtle.generateKey(RSA_PARAMS, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const kid = `${preset}-${serial}-${webcrypto.randomUUID().slice(0, 8)}`;
  const privateJwk = { ...(await webcrypto.subtle.exportKey("jwk", pair.privateKey)), kid, alg: "RS256" };
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, key_ops: _ops, ext: _ext, ...publicPart } = privateJwk;
  const publicJwk = { ...publicPart, use: "sig" };
  let certificatePem: string | null = null;
  if (preset === "firebase") {
    // Google's certificates are self-signed by securetoken@system.gserviceaccount.com, valid for days.
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: `0${serial + 1}`,
      name: "CN=securetoken.system.gserviceaccount.com",
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 7 * 86_400_000),
      keys: pair as unknown as CryptoKeyPair,
      signingAlgorithm: RSA_PARAMS,
    });
    certificatePem = certificate.toString("pem");
  }
  return { kid, privateJwk, publicJwk, certificatePem };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

/** Starts the server with one fresh key per preset. */
export async function startFederatedKeyServer(): Promise<FederatedKeyServer> {
  const initial = new Map<FederatedPresetName, ServedKey>();
  for (const preset of FEDERATED_PRESET_NAMES) initial.set(preset, await generateServedKey(preset, 0));
  const scopes = new Map<string, ScopeState>();
  let baseUrl = "";

  function scopeState(scope: string): ScopeState | null {
    let state = scopes.get(scope);
    if (!state) {
      if (scopes.size >= MAX_SCOPES) return null;
      state = { rotated: new Map(), counts: new Map() };
      scopes.set(scope, state);
    }
    return state;
  }

  function servedKeys(state: ScopeState, preset: FederatedPresetName): ServedKey[] {
    return [initial.get(preset) as ServedKey, ...(state.rotated.get(preset) ?? [])];
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", baseUrl);
    const match = /^\/([a-z0-9-]{1,64})\/([a-z0-9]+)\/(.+)$/.exec(url.pathname);
    const preset = FEDERATED_PRESET_NAMES.find((name) => name === match?.[2]);
    const state = match?.[1] ? scopeState(match[1]) : null;
    if (!match?.[1] || !preset || !state) return send(response, 404, { error: "not_found" });
    const [, scope, , resource] = match;
    const maxAge = Number(url.searchParams.get("maxAge") ?? DEFAULT_MAX_AGE_SECONDS);
    const cacheControl = { "cache-control": `public, max-age=${maxAge}, must-revalidate, no-transform` };
    const count = (name: string) =>
      state.counts.set(`${preset}:${name}`, (state.counts.get(`${preset}:${name}`) ?? 0) + 1);

    if (request.method === "POST" && resource === "rotate") {
      const rotated = state.rotated.get(preset) ?? [];
      if (rotated.length >= MAX_ROTATIONS_PER_PRESET) return send(response, 429, { error: "too_many_rotations" });
      const key = await generateServedKey(preset, rotated.length + 1);
      state.rotated.set(preset, [...rotated, key]);
      return send(response, 200, { kid: key.kid, privateJwk: key.privateJwk });
    }
    if (request.method !== "GET") return send(response, 405, { error: "method_not_allowed" });
    if (resource === "requests") {
      return send(response, 200, {
        keys: state.counts.get(`${preset}:keys`) ?? 0,
        discovery: state.counts.get(`${preset}:discovery`) ?? 0,
      });
    }
    if (preset === "firebase" && resource === "certs") {
      count("keys");
      const map = Object.fromEntries(servedKeys(state, preset).map((key) => [key.kid, key.certificatePem]));
      return send(response, 200, map, cacheControl);
    }
    if (preset === "oidc" && resource === ".well-known/openid-configuration") {
      count("discovery");
      return send(
        response,
        200,
        {
          issuer: TEST_OIDC.issuer,
          jwks_uri: `${baseUrl}/${scope}/oidc/jwks.json${url.search}`,
          id_token_signing_alg_values_supported: ["RS256"],
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
        },
        cacheControl,
      );
    }
    if (preset !== "firebase" && resource === "jwks.json") {
      count("keys");
      return send(response, 200, { keys: servedKeys(state, preset).map((key) => key.publicJwk) }, cacheControl);
    }
    return send(response, 404, { error: "not_found" });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = Object.fromEntries(
    [...initial].map(([preset, key]) => [preset, { kid: key.kid, privateJwk: key.privateJwk }]),
  ) as Record<FederatedPresetName, TestSigningKey>;
  return {
    url: baseUrl,
    keys,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
