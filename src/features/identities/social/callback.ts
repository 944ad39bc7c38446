// The callback: the authorization response, the code exchange and every check on what comes back.
import * as oauth from "oauth4webapi";
import { STANDARD_PROFILE_CLAIMS } from "../claim-names.ts";
import type { ExternalProfile } from "../external-profile.ts";
import { describeFailure, oauthErrorCode } from "./failures.ts";
import { fetchGitHubProfile } from "./github.ts";
import { verifyIdToken } from "./id-token.ts";
import { requestOptions } from "./metadata.ts";
import { pickClaims, profileFromClaims } from "./profiles.ts";
import type { OAuthProvider } from "./provider-types.ts";
import { type ServerSetup, setUpServer } from "./server-setup.ts";
import { serverForResponse, tokensFrom } from "./token-response.ts";
import type { CallbackOutcome, FlowSecrets, ProviderDeps } from "./types.ts";

// Apple sends its own code when the user cancels.
const DENIED_ERRORS = new Set(["access_denied", "user_cancelled_authorize"]);

// Claims userinfo may add to a generic OIDC ID token (which often carries only sub).
const USERINFO_CLAIMS = ["email", "email_verified", ...STANDARD_PROFILE_CLAIMS];

type Step<T> = { ok: true; value: T } | { ok: false; reason: string };

async function exchangeCode(
  setup: ServerSetup,
  secrets: FlowSecrets,
  params: URLSearchParams,
  deps: ProviderDeps,
): Promise<Step<{ as: oauth.AuthorizationServer; result: oauth.TokenEndpointResponse }>> {
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      setup.as,
      setup.client,
      await setup.clientAuth(),
      params,
      secrets.redirectUri,
      secrets.codeVerifier,
      requestOptions(deps),
    );
    const as = await serverForResponse(setup, response);
    const result = await oauth.processAuthorizationCodeResponse(
      as,
      setup.client,
      response,
      setup.openid ? { expectedNonce: secrets.nonce, requireIdToken: true } : undefined,
    );
    return { ok: true, value: { as, result } };
  } catch (error) {
    return { ok: false, reason: describeFailure("token", error) };
  }
}

// Userinfo, when the provider has one, for the claims a generic OIDC ID token leaves out; its sub must match.
async function addUserinfo(
  setup: ServerSetup,
  accessToken: string,
  claims: Record<string, unknown>,
  deps: ProviderDeps,
): Promise<Step<Record<string, unknown>>> {
  if (!setup.as.userinfo_endpoint) return { ok: true, value: claims };
  try {
    const response = await oauth.userInfoRequest(setup.as, setup.client, accessToken, requestOptions(deps));
    const userinfo = await oauth.processUserInfoResponse(setup.as, setup.client, String(claims.sub), response);
    // The signed ID token wins where both say something.
    return { ok: true, value: { ...pickClaims(userinfo, USERINFO_CLAIMS), ...claims } };
  } catch (error) {
    return { ok: false, reason: describeFailure("userinfo", error) };
  }
}

async function profileFromIdToken(
  provider: Exclude<OAuthProvider, { type: "github" }>,
  setup: ServerSetup,
  exchange: { as: oauth.AuthorizationServer; result: oauth.TokenEndpointResponse },
  callback: URLSearchParams,
  deps: ProviderDeps,
): Promise<Step<ExternalProfile>> {
  const checked = await verifyIdToken(
    exchange.result.id_token as string,
    {
      jwksUri: setup.as.jwks_uri as string,
      algorithms: setup.algorithms,
      issuer: exchange.as.issuer,
      audience: provider.clientId,
    },
    deps,
  );
  if (!checked.ok) return checked;
  let claims: Record<string, unknown> = checked.claims;
  if (provider.type === "oidc") {
    const merged = await addUserinfo(setup, exchange.result.access_token, claims, deps);
    if (!merged.ok) return merged;
    claims = merged.value;
  }
  const result = profileFromClaims(provider, claims, {
    appleUser: provider.type === "apple" ? callback.get("user") : null,
    canonicalIssuer: setup.as.issuer,
  });
  return result.ok ? { ok: true, value: result.profile } : result;
}

/**
 * Completes the flow from the callback's query (GET) or form body (POST: Apple): state, RFC 9207 iss,
 * error responses, the code exchange (PKCE verifier, exact redirect URI), the ID token (signature with
 * pinned algorithms, iss, aud, azp, exp, iat, nonce) and each provider's own rules.
 */
export async function completeAuthorization(
  provider: OAuthProvider,
  secrets: FlowSecrets,
  callback: URLSearchParams,
  deps: ProviderDeps,
): Promise<CallbackOutcome> {
  let setup: ServerSetup;
  try {
    setup = await setUpServer(provider, deps);
  } catch (error) {
    return { kind: "invalid", reason: describeFailure("discovery", error) };
  }
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(setup.as, setup.client, callback, secrets.state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError && DENIED_ERRORS.has(oauthErrorCode(error.error))) {
      return { kind: "denied" };
    }
    return { kind: "invalid", reason: describeFailure("callback", error) };
  }
  const exchange = await exchangeCode(setup, secrets, params, deps);
  if (!exchange.ok) return { kind: "invalid", reason: exchange.reason };
  const profile =
    provider.type === "github"
      ? await fetchGitHubProfile(provider, exchange.value.result.access_token, deps).then(
          (result): Step<ExternalProfile> => (result.ok ? { ok: true, value: result.profile } : result),
        )
      : await profileFromIdToken(provider, setup, exchange.value, callback, deps);
  if (!profile.ok) return { kind: "invalid", reason: profile.reason };
  return { kind: "profile", profile: profile.value, tokens: tokensFrom(exchange.value.result, deps.now) };
}
