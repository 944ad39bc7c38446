// Small byte helpers over Web Crypto: randomness, SHA-256, HMAC-SHA-256 and constant-time comparison.
import { encodeBase64urlNoPadding, encodeHexLowerCase } from "@oslojs/encoding";

const encoder = new TextEncoder();

/** `byteLength` bytes from the CSPRNG. */
export function randomBytes(byteLength: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(byteLength));
}

/** An opaque token: 256 random bits by default, base64url without padding. */
export function generateRandomToken(byteLength = 32): string {
  return encodeBase64urlNoPadding(randomBytes(byteLength));
}

export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** SHA-256 as lowercase hex: how high-entropy tokens are stored. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  return encodeHexLowerCase(await sha256(data));
}

const hmacKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

function importHmacKey(key: Uint8Array): Promise<CryptoKey> {
  let imported = hmacKeys.get(key);
  if (!imported) {
    imported = crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(key, imported);
  }
  return imported;
}

export async function hmacSha256(key: Uint8Array, data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.sign("HMAC", await importHmacKey(key), bytes));
}

/** Compares two byte strings in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let difference = 0;
  for (let i = 0; i < a.byteLength; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
