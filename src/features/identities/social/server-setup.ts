// Per provider type: its authorization server (discovered or fixed), our client, and how we authenticate.
import * as oauth from "oauth4webapi";
import { mintAppleClientSecret } from "./apple-secret.ts";
import { discoverAuthorizationServer } from "./metadata.ts";
import { MICROSOFT_CONSUMER_TENANT } from "./presets.ts";
import type { OAuthProvider } from "./provider-types.ts";
import type { ProviderDeps } from "./types.ts";

/** Seconds of clock difference tolerated on ID token exp, nbf and iat. */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** The issuer template of Microsoft's multi-tenant endpoints; `{tenantid}` is the token's own `tid`. */
export const MICROSOFT_TENANT_PLACEHOLDER = "{tenantid}";

export type ServerSetup = {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  /** Built at each call: Apple's client secret is a short-lived JWT. */
  clientAuth: () => Promise<oauth.ClientAuth>;
  /** True when an ID token must come back (every type but GitHub). */
  openid: boolean;
  /** Pinned ID token algorithms. */
  algorithms: string[];
  /** The `iss` an ID token with these (unverified) claims must carry; undefined: none is acceptable. */
  expectedIssuer: (claims: Record<string, unknown>) => string | undefined;
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function clientFor(provider: OAuthProvider, deps: ProviderDeps, algorithms: string[]): oauth.Client {
  const client: oauth.Client = {
    client_id: provider.clientId,
    // oauth4webapi reads the clock itself; the skew makes its exp/nbf checks use the injected `now`.
    [oauth.clockSkew]: Math.floor(deps.now.getTime() / 1000) - Math.floor(Date.now() / 1000),
    [oauth.clockTolerance]: CLOCK_TOLERANCE_SECONDS,
  };
  if (algorithms.length === 1) client.id_token_signed_response_alg = algorithms[0] as string;
  return client;
}

function microsoftIssuer(provider: OAuthProvider & { type: "microsoft" }, tenant: string): string {
  return `${provider.authority}/${tenant}/v2.0`;
}

/** Resolves the provider's server (discovery goes through the caches); rejects when it cannot be reached. */
export async function setUpServer(provider: OAuthProvider, deps: ProviderDeps): Promise<ServerSetup> {
  switch (provider.type) {
    case "github": {
      const as: oauth.AuthorizationServer = {
        issuer: provider.issuer,
        authorization_endpoint: provider.authorizationEndpoint,
        token_endpoint: provider.tokenEndpoint,
      };
      return {
        as,
        client: clientFor(provider, deps, []),
        clientAuth: async () => oauth.ClientSecretPost(provider.clientSecret),
        openid: false,
        algorithms: [],
        expectedIssuer: () => undefined,
      };
    }
    case "microsoft": {
      // consumers is one tenant (personal accounts); common and organizations publish the template.
      const fixedTenant = GUID.test(provider.tenant)
        ? provider.tenant
        : provider.tenant === "consumers"
          ? MICROSOFT_CONSUMER_TENANT
          : undefined;
      const published = microsoftIssuer(provider, fixedTenant ?? MICROSOFT_TENANT_PLACEHOLDER);
      const as = await discoverAuthorizationServer(microsoftIssuer(provider, provider.tenant), published, deps);
      return {
        as,
        client: clientFor(provider, deps, ["RS256"]),
        clientAuth: async () => oauth.ClientSecretPost(provider.clientSecret),
        openid: true,
        algorithms: ["RS256"],
        // Multi-tenant: the issuer is the one of the user's own tenant, named by the token's tid.
        expectedIssuer: (claims) => {
          if (fixedTenant) return as.issuer;
          return typeof claims.tid === "string" && GUID.test(claims.tid)
            ? microsoftIssuer(provider, claims.tid)
            : undefined;
        },
      };
    }
    case "google": {
      const as = await discoverAuthorizationServer(provider.issuer, provider.issuer, deps);
      // Google documents both spellings of its issuer in ID tokens.
      const accepted = new Set([
        as.issuer,
        new URL(as.issuer).host === "accounts.google.com" ? "accounts.google.com" : as.issuer,
      ]);
      return {
        as,
        client: clientFor(provider, deps, ["RS256"]),
        clientAuth: async () => oauth.ClientSecretPost(provider.clientSecret),
        openid: true,
        algorithms: ["RS256"],
        expectedIssuer: (claims) =>
          typeof claims.iss === "string" && accepted.has(claims.iss) ? claims.iss : as.issuer,
      };
    }
    case "apple": {
      const as = await discoverAuthorizationServer(provider.issuer, provider.issuer, deps);
      return {
        as,
        client: clientFor(provider, deps, ["RS256"]),
        clientAuth: async () => oauth.ClientSecretPost(await mintAppleClientSecret(provider, deps.now)),
        openid: true,
        algorithms: ["RS256"],
        expectedIssuer: () => as.issuer,
      };
    }
    case "oidc": {
      const as = await discoverAuthorizationServer(provider.issuer, provider.issuer, deps);
      const secret = provider.clientSecret;
      return {
        as,
        client: clientFor(provider, deps, provider.algorithms),
        clientAuth: async () =>
          provider.tokenEndpointAuthMethod === "client_secret_post"
            ? oauth.ClientSecretPost(secret)
            : oauth.ClientSecretBasic(secret),
        openid: true,
        algorithms: provider.algorithms,
        expectedIssuer: () => as.issuer,
      };
    }
  }
}
