// A fresh access token from a stored refresh token (entries with storeTokens).
import * as oauth from "oauth4webapi";
import { requestOptions } from "./metadata.ts";
import type { OAuthProvider } from "./provider-types.ts";
import { type ServerSetup, setUpServer } from "./server-setup.ts";
import { serverForResponse, tokensFrom } from "./token-response.ts";
import type { ProviderDeps, RefreshOutcome } from "./types.ts";

// GitHub answers 200 with an error body; bad_refresh_token is its invalid_grant.
function isRevokedGrant(error: unknown): boolean {
  if (error instanceof oauth.ResponseBodyError) return error.error === "invalid_grant";
  if (error instanceof oauth.OperationProcessingError) {
    const body = (error.cause as { body?: { error?: unknown } } | undefined)?.body;
    return body?.error === "bad_refresh_token" || body?.error === "invalid_grant";
  }
  return false;
}

/**
 * Exchanges `refreshToken` for new tokens. The new refresh token when the provider rotates, else the
 * given one. invalid_grant: the user must sign in again; unavailable: anything else (retry later).
 */
export async function refreshProviderTokens(
  provider: OAuthProvider,
  refreshToken: string,
  deps: ProviderDeps,
): Promise<RefreshOutcome> {
  let setup: ServerSetup;
  try {
    setup = await setUpServer(provider, deps);
  } catch {
    return { kind: "unavailable" };
  }
  try {
    const response = await oauth.refreshTokenGrantRequest(
      setup.as,
      setup.client,
      await setup.clientAuth(),
      refreshToken,
      requestOptions(deps),
    );
    const as = await serverForResponse(setup, response);
    const result = await oauth.processRefreshTokenResponse(as, setup.client, response);
    return { kind: "tokens", tokens: tokensFrom(result, deps.now, refreshToken) };
  } catch (error) {
    return isRevokedGrant(error) ? { kind: "invalid_grant" } : { kind: "unavailable" };
  }
}
