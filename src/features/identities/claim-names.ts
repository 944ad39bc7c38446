// Names both identity clients share: the OpenID profile claims an identity row keeps, and the JWS
// algorithms an entry may pin.

/** OIDC Core §5.1 profile claims kept on the identity row when a provider sends them as plain values. */
export const STANDARD_PROFILE_CLAIMS = [
  "name",
  "given_name",
  "family_name",
  "middle_name",
  "nickname",
  "preferred_username",
  "picture",
  "locale",
  "zoneinfo",
] as const;

/** Asymmetric JWS algorithms an entry may pin; HS* (a secret shared with the provider) and none never. */
export const ASYMMETRIC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;
