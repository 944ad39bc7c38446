// The parsed OAUTH_PROVIDERS entries, secrets resolved: what the social client works from.

export type OAuthProviderType = "oidc" | "google" | "microsoft" | "apple" | "github";

type CommonFields = {
  /** Slug in the routes (`/auth/oauth/:id/...`) and on the identity rows. */
  id: string;
  displayName: string;
  clientId: string;
  scopes: string[];
  /** Link to the account with the same (verified) email without asking; see AUTO_LINK_ALLOWED. */
  autoLink: boolean;
  /** Keep the provider's tokens (sealed) for later API calls. */
  storeTokens: boolean;
};

export type OidcProvider = CommonFields & {
  type: "oidc";
  clientSecret: string;
  /** Discovery at issuer + /.well-known/openid-configuration. */
  issuer: string;
  /** The ID token algorithms accepted, pinned (never taken from the token's header). */
  algorithms: string[];
  tokenEndpointAuthMethod: "client_secret_basic" | "client_secret_post";
};

export type GoogleProvider = CommonFields & {
  type: "google";
  clientSecret: string;
  issuer: string;
  /** When set, only accounts of this Google Workspace domain (`hd` claim present and equal). */
  hostedDomain: string | null;
};

export type MicrosoftProvider = CommonFields & {
  type: "microsoft";
  clientSecret: string;
  /** A tenant id (GUID), or the multi-tenant endpoints common, organizations, consumers. */
  tenant: string;
  /** https://login.microsoftonline.com unless overridden; issuers are `{authority}/{tid}/v2.0`. */
  authority: string;
};

export type AppleProvider = CommonFields & {
  type: "apple";
  issuer: string;
  teamId: string;
  keyId: string;
  /** PKCS#8 PEM of the Sign in with Apple key: the client secret is an ES256 JWT signed with it. */
  privateKey: string;
};

export type GitHubProvider = CommonFields & {
  type: "github";
  clientSecret: string;
  /** The profile's issuer string (GitHub has no ID token): https://github.com unless overridden. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  apiBaseUrl: string;
};

export type OAuthProvider = OidcProvider | GoogleProvider | MicrosoftProvider | AppleProvider | GitHubProvider;
