// What a social provider or a federated issuer told us about a user, once every check has passed:
// the one shape the identity service (sign in, sign up, link) takes, whichever way the user came.

/** Provider types (seed 000's "universal auth provider fields"): a preset, or generic OIDC. */
export const PROVIDER_TYPES = [
  "google",
  "microsoft",
  "apple",
  "github",
  "oidc",
  "firebase",
  "cognito",
  "auth0",
  "okta",
] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** Profile claims kept on the identity row (strings, numbers or booleans only, never tokens). */
export type ProfileClaims = Record<string, string | number | boolean>;

export type ExternalProfile = {
  /** The configured entry's id (OAUTH_PROVIDERS or FEDERATED_ISSUERS), e.g. "google". */
  providerId: string;
  providerType: ProviderType;
  /** The validated `iss` (GitHub, which has no ID token: its API origin, e.g. https://github.com). */
  issuer: string;
  /** The provider's stable user id: `sub`, or GitHub's numeric id as a string. */
  subject: string;
  /** As the provider gave it; null when it gave none. */
  email: string | null;
  /** True only when the provider says so by its own rules (Microsoft: xms_edov; Apple: "true"). */
  emailVerified: boolean;
  /** A display name when the provider gave one (Apple: only on the first sign-in). */
  name: string | null;
  /** Selected claims: name, given_name, family_name, picture, locale, hd, tid, … */
  profile: ProfileClaims;
  /** Provider metadata (Firebase sign_in_provider, Cognito username, GitHub login, …). */
  metadata: ProfileClaims;
  /** An id an app already knows the user by (a Firebase uid); null when none. */
  legacyId: string | null;
};

/** A provider's tokens from a code exchange or a refresh (kept only when the entry says storeTokens). */
export type ProviderTokens = {
  accessToken: string;
  refreshToken: string | null;
  /** Null when the provider did not say (GitHub OAuth apps' tokens do not expire). */
  accessTokenExpiresAt: Date | null;
  scope: string | null;
};
