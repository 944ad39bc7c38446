// A local stand-in for Google's OpenID provider: discovery, authorize, token, certs; ID tokens carry hd.
import { type LocalServer, sendJson, startServer } from "./http.ts";
import { discoveryDocument, handleAuthorize, handleToken, idTokenClaims, type LocalClient } from "./mini-oidc.ts";
import { createOpCore } from "./op-core.ts";

/** Starts the server; its issuer is its own origin (the entry's `issuer` override points at it). */
export async function startGoogleServer(client: LocalClient): Promise<LocalServer> {
  const core = await createOpCore();
  return startServer((issuer) => async (request, response, url) => {
    switch (url.pathname) {
      case "/.well-known/openid-configuration":
        return sendJson(
          response,
          200,
          discoveryDocument(issuer, {
            authorize: `${issuer}/o/oauth2/v2/auth`,
            token: `${issuer}/token`,
            jwks: `${issuer}/oauth2/v3/certs`,
          }),
        );
      case "/oauth2/v3/certs":
        return sendJson(response, 200, core.jwks());
      case "/o/oauth2/v2/auth":
        return handleAuthorize(response, url, core, client);
      case "/token":
        return handleToken(request, response, core, client, {
          mintIdToken: (grant) => core.signJwt(idTokenClaims(issuer, grant)),
        });
      default:
        return sendJson(response, 404, { error: "not_found" });
    }
  });
}
