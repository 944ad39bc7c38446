// An OpenID provider that gets its ID tokens wrong on purpose, one way per `mischief`, for negative tests.
import { generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { type LocalServer, sendJson, startServer } from "./http.ts";
import { discoveryDocument, handleAuthorize, handleToken, idTokenClaims, type LocalClient } from "./mini-oidc.ts";
import { createOpCore, type Grant } from "./op-core.ts";

/** How the ID token is wrong (`test_account.mischief`); absent: it is right. */
export const ROGUE_MISCHIEF = [
  "aud",
  "aud-list",
  "azp",
  "iss",
  "expired",
  "future-iat",
  "nonce",
  "no-nonce",
  "unknown-key",
  "wrong-key",
  "alg-none",
  "alg-hs256",
  "no-id-token",
] as const;
export type RogueMischief = (typeof ROGUE_MISCHIEF)[number];

export async function startRogueServer(client: LocalClient): Promise<LocalServer> {
  const core = await createOpCore();
  const stranger = await generateKeyPair("RS256");
  const hmacKey = new TextEncoder().encode(client.clientSecret);

  function mint(issuer: string, grant: Grant): Promise<string | undefined> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = idTokenClaims(issuer, grant, now);
    switch (grant.account.mischief as RogueMischief | undefined) {
      case "aud":
        claims.aud = "someone-else";
        break;
      case "aud-list":
        claims.aud = [client.clientId, "someone-else"];
        break;
      case "azp":
        claims.azp = "someone-else";
        break;
      case "iss":
        claims.iss = "https://evil.example";
        break;
      case "expired":
        Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
        break;
      case "future-iat":
        Object.assign(claims, { iat: now + 3600, exp: now + 7200 });
        break;
      case "nonce":
        claims.nonce = "not-the-nonce-we-sent";
        break;
      case "no-nonce":
        delete claims.nonce;
        break;
      case "unknown-key":
        return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "not-published" }).sign(stranger.privateKey);
      case "wrong-key":
        return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: core.kid }).sign(stranger.privateKey);
      case "alg-none":
        return Promise.resolve(new UnsecuredJWT(claims).encode());
      case "alg-hs256":
        return new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: core.kid }).sign(hmacKey);
      case "no-id-token":
        return Promise.resolve(undefined);
      case undefined:
        break;
    }
    return core.signJwt(claims);
  }

  return startServer((issuer) => async (request, response, url) => {
    switch (url.pathname) {
      case "/.well-known/openid-configuration":
        // Advertises what it should not, so only the client's own pinning can refuse HS256 and none.
        return sendJson(response, 200, {
          ...discoveryDocument(issuer, {
            authorize: `${issuer}/authorize`,
            token: `${issuer}/token`,
            jwks: `${issuer}/jwks`,
          }),
          id_token_signing_alg_values_supported: ["RS256", "HS256", "none"],
        });
      case "/jwks":
        return sendJson(response, 200, core.jwks());
      case "/authorize":
        return handleAuthorize(response, url, core, client);
      case "/token":
        return handleToken(request, response, core, client, { mintIdToken: (grant) => mint(issuer, grant) });
      default:
        return sendJson(response, 404, { error: "not_found" });
    }
  });
}
