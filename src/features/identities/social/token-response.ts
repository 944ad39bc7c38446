// Token endpoint answers: the issuer an ID token must carry, and the tokens in our contract's shape.
import { decodeJwt } from "jose";
import type * as oauth from "oauth4webapi";
import type { ProviderTokens } from "../external-profile.ts";
import type { ServerSetup } from "./server-setup.ts";

/**
 * The server description to validate this token response with: its `issuer` replaced by the one the
 * ID token must carry (Microsoft multi-tenant: from the token's own tid), read from an unverified
 * copy. Every claim is then verified by oauth4webapi and again, with the signature, by jose.
 */
export async function serverForResponse(setup: ServerSetup, response: Response): Promise<oauth.AuthorizationServer> {
  if (!setup.openid) return setup.as;
  let claims: Record<string, unknown> = {};
  try {
    const body = (await response.clone().json()) as { id_token?: unknown };
    if (typeof body.id_token === "string") claims = decodeJwt(body.id_token);
  } catch {
    // Unreadable: oauth4webapi reports it when it reads the original.
  }
  // No acceptable issuer: one nothing can equal, so the check fails.
  return { ...setup.as, issuer: setup.expectedIssuer(claims) ?? "urn:portcullis:no-acceptable-issuer" };
}

/** The tokens in our contract's shape; `now` dates the access token's expiry. */
export function tokensFrom(
  result: oauth.TokenEndpointResponse,
  now: Date,
  previousRefreshToken?: string,
): ProviderTokens {
  return {
    accessToken: result.access_token,
    // A provider that does not rotate keeps the refresh token it issued.
    refreshToken: result.refresh_token ?? previousRefreshToken ?? null,
    accessTokenExpiresAt:
      typeof result.expires_in === "number" ? new Date(now.getTime() + result.expires_in * 1000) : null,
    scope: result.scope ?? null,
  };
}
