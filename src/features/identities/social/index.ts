// The social sign-in client: configuration, authorization URL, callback and token refresh.
export { buildAuthorizationUrl, ProviderUnavailableError } from "./authorize.ts";
export { completeAuthorization } from "./callback.ts";
export type * from "./provider-types.ts";
export { findOAuthProvider, parseOAuthProviders } from "./providers.ts";
export { refreshProviderTokens } from "./refresh.ts";
export type { CallbackOutcome, FlowSecrets, ProviderDeps, RefreshOutcome } from "./types.ts";
