// Purpose-bound keys derived from AUTH_SECRET, so one secret never serves two uses, plus the
// versioned secret-box keys (version 1 derived, later versions from ENCRYPTION_KEYS).
import { decodeBase64urlIgnorePadding, encodeHexLowerCase } from "@oslojs/encoding";
import { hmacSha256 } from "./bytes.ts";
import { importSecretBoxKeys, type SecretBoxKeys } from "./secret-box.ts";

/** A secret-box key from ENCRYPTION_KEYS: its version (2 or more) and 32 bytes in base64url. */
export type EncryptionKey = { version: number; key: string };

/** The secret-box keys beyond version 1, and the version that encrypts. */
export type EncryptionSettings = { keys: readonly EncryptionKey[]; currentVersion: number };

const ONLY_DERIVED_KEY: EncryptionSettings = { keys: [], currentVersion: 1 };

export type ServerKeys = {
  /** HMAC key for client IPs (`ip_hash`). */
  ipHash: Uint8Array;
  /** HMAC key for counter keys derived from email addresses. */
  counterKey: Uint8Array;
  /** HMAC key that derives a refresh token's successor from the token itself. */
  refreshDerivation: Uint8Array;
  /** HMAC key under which one-time codes and link tokens are stored. */
  codeHash: Uint8Array;
  /** HMAC key for the delivery log's recipient hashes (issue 15). */
  deliveryRecipient: Uint8Array;
  /** AES-256-GCM keys by version for secrets read back later, such as TOTP secrets. */
  secretBox: SecretBoxKeys;
};

const cache = new Map<string, Promise<ServerKeys>>();

async function derive(secret: Uint8Array, purpose: string): Promise<Uint8Array> {
  return hmacSha256(secret, `portcullis/v1/${purpose}`);
}

/**
 * Derives the purpose keys from a base64url AUTH_SECRET and imports the secret-box keys (cached per
 * secret and key list, so a Worker does this once).
 */
export function deriveServerKeys(
  authSecret: string,
  encryption: EncryptionSettings = ONLY_DERIVED_KEY,
): Promise<ServerKeys> {
  const listed = encryption.keys.map((entry) => `${entry.version}:${entry.key}`).join(",");
  const cacheKey = `${authSecret}|${listed}|${encryption.currentVersion}`;
  let keys = cache.get(cacheKey);
  if (!keys) {
    const secret = decodeBase64urlIgnorePadding(authSecret);
    keys = (async () => {
      const boxKeys = new Map([[1, await derive(secret, "secret-box/1")]]);
      for (const entry of encryption.keys) boxKeys.set(entry.version, decodeBase64urlIgnorePadding(entry.key));
      return {
        ipHash: await derive(secret, "ip-hash"),
        counterKey: await derive(secret, "counter-key"),
        refreshDerivation: await derive(secret, "refresh-derivation"),
        codeHash: await derive(secret, "code-hash"),
        deliveryRecipient: await derive(secret, "delivery-recipient"),
        secretBox: await importSecretBoxKeys(boxKeys, encryption.currentVersion),
      };
    })();
    cache.set(cacheKey, keys);
  }
  return keys;
}

/** HMAC-SHA-256 of a short secret (one-time code, recovery code, challenge) as stored: hex, labelled by use. */
export async function hashCodeForStorage(keys: ServerKeys, label: string, value: string): Promise<string> {
  return encodeHexLowerCase(await hmacSha256(keys.codeHash, `${label}:${value}`));
}

/** HMAC-SHA-256 of a client IP as hex: stored and logged instead of the address. */
export async function hashClientIp(keys: ServerKeys, ip: string): Promise<string> {
  return encodeHexLowerCase(await hmacSha256(keys.ipHash, ip));
}
