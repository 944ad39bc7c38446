// Generates the gateway's secrets: an ES256 signing key set and AUTH_SECRET.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair } from "jose";

export type SigningKeySetJson = { current: string; keys: Array<Record<string, unknown>> };
export type GatewaySecrets = { AUTH_SECRET: string; SIGNING_KEYS: string };

/** A new private P-256 JWK with a kid that says when it was made. */
export async function generateSigningKey(now = new Date()): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `${now.toISOString().slice(0, 10)}-${randomBytes(4).toString("hex")}`;
  return { ...jwk, kid, alg: "ES256", use: "sig" };
}

/** A key set whose current key is new; `previous` keys stay for verification during rotation. */
export async function generateSigningKeySet(previous?: SigningKeySetJson): Promise<SigningKeySetJson> {
  const key = await generateSigningKey();
  return { current: String(key.kid), keys: [key, ...(previous?.keys ?? [])] };
}

export function generateAuthSecret(): string {
  return randomBytes(32).toString("base64url");
}

export async function generateGatewaySecrets(): Promise<GatewaySecrets> {
  return { AUTH_SECRET: generateAuthSecret(), SIGNING_KEYS: JSON.stringify(await generateSigningKeySet()) };
}

/**
 * Development only: reads the secrets kept at `file`, creating them once if missing. Returns
 * whether they were created, so the caller can warn.
 */
export async function loadOrCreateDevSecrets(file: string): Promise<{ secrets: GatewaySecrets; created: boolean }> {
  if (existsSync(file)) return { secrets: JSON.parse(await readFile(file, "utf8")) as GatewaySecrets, created: false };
  const secrets = await generateGatewaySecrets();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return { secrets, created: true };
}
