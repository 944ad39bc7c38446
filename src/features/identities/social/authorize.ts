// The authorization request: where the browser goes to sign in with the provider.
import * as oauth from "oauth4webapi";
import type { OAuthProvider } from "./provider-types.ts";
import { setUpServer } from "./server-setup.ts";
import type { FlowSecrets, ProviderDeps } from "./types.ts";

/** The provider's metadata could not be fetched: the lead answers with a plain "try again later". */
export class ProviderUnavailableError extends Error {
  override name = "ProviderUnavailableError";
}

// Hints each type understands; none of them weakens a check.
function addProviderHints(provider: OAuthProvider, url: URL): void {
  const params = url.searchParams;
  switch (provider.type) {
    case "google":
      if (provider.hostedDomain) params.set("hd", provider.hostedDomain);
      // Google issues a refresh token only with access_type=offline, and again only after consent.
      if (provider.storeTokens) {
        params.set("access_type", "offline");
        params.set("prompt", "consent");
      } else params.set("prompt", "select_account");
      break;
    case "microsoft":
      params.set("prompt", "select_account");
      break;
    case "apple":
      // Apple posts the response (and the name, once) to the callback when scopes are asked for.
      params.set("response_mode", "form_post");
      break;
    case "oidc":
      // OIDC Core 11: offline_access is ignored unless consent is prompted for.
      if (provider.scopes.includes("offline_access")) params.set("prompt", "consent");
      break;
    case "github":
      break;
  }
}

/**
 * The URL to send the browser to: PKCE S256 (challenge from `secrets.codeVerifier`), state, nonce for
 * the OIDC types, the entry's scopes and the type's hints. Rejects with ProviderUnavailableError when
 * discovery fails.
 */
export async function buildAuthorizationUrl(
  provider: OAuthProvider,
  secrets: FlowSecrets,
  deps: ProviderDeps,
): Promise<URL> {
  const setup = await setUpServer(provider, deps).catch((cause: unknown) => {
    throw new ProviderUnavailableError(`provider ${provider.id}: discovery failed`, { cause });
  });
  const url = new URL(setup.as.authorization_endpoint as string);
  const params = url.searchParams;
  params.set("client_id", provider.clientId);
  params.set("response_type", "code");
  params.set("redirect_uri", secrets.redirectUri);
  params.set("scope", provider.scopes.join(" "));
  params.set("state", secrets.state);
  params.set("code_challenge", await oauth.calculatePKCECodeChallenge(secrets.codeVerifier));
  params.set("code_challenge_method", "S256");
  if (setup.openid) params.set("nonce", secrets.nonce);
  addProviderHints(provider, url);
  return url;
}
