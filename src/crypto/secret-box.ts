// AES-256-GCM for secrets we must read back (TOTP secrets): a fresh 96-bit IV per message, the key
// version stored beside the ciphertext so keys can rotate and old rows re-encrypt lazily.
import { decodeBase64, encodeBase64 } from "@oslojs/encoding";

export type SecretBoxKeys = { currentVersion: number; keys: ReadonlyMap<number, CryptoKey> };

/** Imports raw 32-byte keys by version; `currentVersion` (by default the highest) encrypts. */
export async function importSecretBoxKeys(
  raw: ReadonlyMap<number, Uint8Array>,
  currentVersion?: number,
): Promise<SecretBoxKeys> {
  const keys = new Map<number, CryptoKey>();
  for (const [version, bytes] of raw) {
    keys.set(version, await crypto.subtle.importKey("raw", bytes, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]));
  }
  const current = currentVersion ?? Math.max(...keys.keys());
  if (!keys.has(current)) throw new Error(`no secret-box key of version ${current}`);
  return { currentVersion: current, keys };
}

export async function encryptSecret(
  box: SecretBoxKeys,
  plaintext: Uint8Array,
): Promise<{ ciphertext: string; version: number }> {
  const key = box.keys.get(box.currentVersion);
  if (!key) throw new Error("no current secret-box key");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plaintext));
  const joined = new Uint8Array(iv.length + sealed.length);
  joined.set(iv);
  joined.set(sealed, iv.length);
  return { ciphertext: encodeBase64(joined), version: box.currentVersion };
}

/** The plaintext, or null when the key version is unknown or the ciphertext was tampered with. */
export async function decryptSecret(
  box: SecretBoxKeys,
  sealed: { ciphertext: string; version: number },
): Promise<Uint8Array | null> {
  const key = box.keys.get(sealed.version);
  if (!key) return null;
  try {
    const bytes = decodeBase64(sealed.ciphertext);
    return new Uint8Array(
      await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, key, bytes.slice(12)),
    );
  } catch {
    return null;
  }
}
