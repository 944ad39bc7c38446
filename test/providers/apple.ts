// A local stand-in for Sign in with Apple: form_post responses (the `user` JSON on the first sign-in
// only), a token endpoint that verifies the ES256 client secret, and ID tokens with string booleans.
import { type CryptoKey, decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { type LocalServer, sendJson, startServer } from "./http.ts";
import { discoveryDocument, handleAuthorize, handleToken, idTokenClaims } from "./mini-oidc.ts";
import { createOpCore, type Grant } from "./op-core.ts";

export type AppleClient = {
  /** The Services ID. */
  clientId: string;
  teamId: string;
  keyId: string;
  /** SPKI PEM of the key whose private half the Worker signs client secrets with. */
  publicKeyPem: string;
  redirectUris: readonly string[];
};

// Apple's limit on a client secret's lifetime.
const MAX_SECRET_LIFETIME_SECONDS = 15_777_000;

async function isValidClientSecret(secret: string, client: AppleClient, key: CryptoKey, audience: string) {
  try {
    if (decodeProtectedHeader(secret).kid !== client.keyId) return false;
    const { payload } = await jwtVerify(secret, key, {
      algorithms: ["ES256"],
      issuer: client.teamId,
      subject: client.clientId,
      audience,
    });
    return typeof payload.iat === "number" && Number(payload.exp) - payload.iat <= MAX_SECRET_LIFETIME_SECONDS;
  } catch {
    return false;
  }
}

/** `test_account`: sub, email, email_verified ("true" by default), is_private_email, name_object {firstName, lastName}. */
export async function startAppleServer(client: AppleClient): Promise<LocalServer> {
  const core = await createOpCore();
  const publicKey = await importSPKI(client.publicKeyPem, "ES256");
  const named = new Set<string>();
  const local = { clientId: client.clientId, clientSecret: "", redirectUris: client.redirectUris };

  // Apple sends the name and email as `user` once, on the first authorization of the app by the user.
  function firstTimeUser(grant: Grant): Record<string, string> {
    if (named.has(grant.account.sub)) return {};
    named.add(grant.account.sub);
    return { user: JSON.stringify({ name: grant.account.name_object ?? {}, email: grant.account.email }) };
  }

  return startServer((issuer) => async (request, response, url) => {
    switch (url.pathname) {
      case "/.well-known/openid-configuration":
        return sendJson(
          response,
          200,
          discoveryDocument(issuer, {
            authorize: `${issuer}/auth/authorize`,
            token: `${issuer}/auth/token`,
            jwks: `${issuer}/auth/keys`,
          }),
        );
      case "/auth/keys":
        return sendJson(response, 200, core.jwks());
      case "/auth/authorize":
        if (url.searchParams.get("response_mode") !== "form_post") {
          return sendJson(response, 400, { error: "invalid_request", error_description: "form_post is required" });
        }
        return handleAuthorize(response, url, core, local, {
          formPost: true,
          deniedError: "user_cancelled_authorize",
          extraFields: firstTimeUser,
        });
      case "/auth/token":
        return handleToken(request, response, core, local, {
          authenticate: async ({ clientId, clientSecret }) =>
            clientId === client.clientId && (await isValidClientSecret(clientSecret, client, publicKey, issuer)),
          mintIdToken: (grant) => {
            const claims = idTokenClaims(issuer, grant) as Record<string, unknown>;
            claims.email_verified ??= "true";
            if (claims.is_private_email === undefined) delete claims.is_private_email;
            return core.signJwt({ ...claims, nonce_supported: true });
          },
        });
      default:
        return sendJson(response, 404, { error: "not_found" });
    }
  });
}
