// What each provider type defaults to: display names, scopes, endpoints, and whether autoLink may be on.

import type { OAuthProviderType } from "./provider-types.ts";

export const DEFAULT_DISPLAY_NAMES: Record<OAuthProviderType, string> = {
  oidc: "Single sign-on",
  google: "Google",
  microsoft: "Microsoft",
  apple: "Apple",
  github: "GitHub",
};

/** Scopes requested when an entry lists none (`scopes` replaces them, it does not add to them). */
export const DEFAULT_SCOPES: Record<OAuthProviderType, readonly string[]> = {
  oidc: ["openid", "email", "profile"],
  google: ["openid", "email", "profile"],
  microsoft: ["openid", "email", "profile"],
  // Apple's scopes are "name email"; the ID token comes without asking for openid.
  apple: ["name", "email"],
  github: ["read:user", "user:email"],
};

/** The types whose ID token comes with `openid` in the scopes (their entries must keep it). */
export const OPENID_TYPES: ReadonlySet<OAuthProviderType> = new Set(["oidc", "google", "microsoft"]);

/**
 * autoLink links a new identity to the account that already has its email, and only when the profile
 * says emailVerified. It may be on where that flag can be trusted: Google and Apple verify addresses;
 * GitHub's profile carries only the primary verified address; a generic OIDC entry opts in for an issuer
 * its operator trusts. Microsoft is refused: Entra tenants set `email` freely (nOAuth, CVE-2023-36871),
 * and `xms_edov` only says the domain is verified, not that this user owns the mailbox.
 */
export const AUTO_LINK_ALLOWED: ReadonlySet<OAuthProviderType> = new Set(["oidc", "google", "apple", "github"]);

export const DEFAULT_ENDPOINTS = {
  googleIssuer: "https://accounts.google.com",
  microsoftAuthority: "https://login.microsoftonline.com",
  appleIssuer: "https://appleid.apple.com",
  githubIssuer: "https://github.com",
  githubAuthorizationEndpoint: "https://github.com/login/oauth/authorize",
  githubTokenEndpoint: "https://github.com/login/oauth/access_token",
  githubApiBaseUrl: "https://api.github.com",
} as const;

/** ID token algorithms a generic OIDC entry accepts unless it lists its own (OIDC's default). */
export const DEFAULT_OIDC_ALGORITHMS = ["RS256"] as const;

/** Microsoft's tenant of personal accounts (the consumers endpoint). */
export const MICROSOFT_CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";
