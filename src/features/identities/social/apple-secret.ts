// Sign in with Apple's client secret: an ES256 JWT signed with the team's key, minted per use.
import { importPKCS8, SignJWT } from "jose";
import type { AppleProvider } from "./provider-types.ts";

// Apple accepts up to six months; a secret that lives five minutes is worthless when it leaks.
const CLIENT_SECRET_TTL_SECONDS = 300;

const importedKeys = new Map<string, Promise<CryptoKey>>();

function importAppleKey(provider: AppleProvider): Promise<CryptoKey> {
  const cacheKey = `${provider.id}:${provider.keyId}:${provider.privateKey.length}`;
  let key = importedKeys.get(cacheKey);
  if (!key) {
    key = importPKCS8(provider.privateKey, "ES256");
    // A key that failed to import must not stay cached as a rejected promise.
    key.catch(() => importedKeys.delete(cacheKey));
    importedKeys.set(cacheKey, key);
  }
  return key;
}

/** The client_secret for Apple's token endpoint (iss team id, sub client id, aud Apple's issuer). */
export async function mintAppleClientSecret(provider: AppleProvider, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: provider.keyId })
    .setIssuer(provider.teamId)
    .setSubject(provider.clientId)
    .setAudience(provider.issuer)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + CLIENT_SECRET_TTL_SECONDS)
    .sign(await importAppleKey(provider));
}
