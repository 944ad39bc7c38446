// Makes a browser's sign-in look old to the gateway, without waiting: the access cookie is re-signed with
// the gateway's key for the same session, with auth_time in the past (what the edge checks maxAgeSeconds on).
import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, SignJWT } from "jose";
import type { BrowserContext } from "playwright-core";
import { inject } from "vitest";
import { baseUrl } from "./browser.ts";

// On http://localhost the development cookies drop the __Host- prefix.
const ACCESS_COOKIE_NAMES = new Set(["portcullis_at", "__Host-portcullis_at"]);
const TOKEN_TTL_SECONDS = 300;

/** The same token with `auth_time` changed and a fresh lifetime, signed with the key that signed it. */
async function withAuthTime(token: string, authTime: number): Promise<string> {
  const header = decodeProtectedHeader(token);
  const keySet = JSON.parse(inject("signingKeys")) as { keys: Array<JWK & { kid: string }> };
  const jwk = keySet.keys.find((key) => key.kid === header.kid);
  if (!jwk) throw new Error(`no signing key ${header.kid}`);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...decodeJwt(token), auth_time: authTime, iat: now, exp: now + TOKEN_TTL_SECONDS })
    .setProtectedHeader(header as { alg: string })
    .sign(await importJWK(jwk, header.alg));
}

/** Moves the context's sign-in `ageSeconds` into the past (an hour by default); the session itself is unchanged. */
export async function ageSignIn(context: BrowserContext, ageSeconds = 3600): Promise<void> {
  const cookie = (await context.cookies(baseUrl())).find((candidate) => ACCESS_COOKIE_NAMES.has(candidate.name));
  if (!cookie) throw new Error("the context has no access cookie");
  const value = await withAuthTime(cookie.value, Math.floor(Date.now() / 1000) - ageSeconds);
  await context.addCookies([{ ...cookie, value }]);
}
