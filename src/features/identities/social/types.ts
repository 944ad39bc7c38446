// The social client's contract with the identity service: flow secrets in, outcomes out.
import type { ExternalProfile, ProviderTokens } from "../external-profile.ts";

/** What the flow keeps server side between the start and the callback (the lead stores it). */
export type FlowSecrets = { state: string; nonce: string; codeVerifier: string; redirectUri: string };

export type ProviderDeps = {
  /** Caches discovery documents and key sets (prefixed keys, with a TTL). */
  kv: KVNamespace;
  now: Date;
  /** Outside production, http://127.0.0.1 and localhost providers are allowed (the tests' servers). */
  environment: "development" | "test" | "production";
  fetch?: typeof fetch;
};

export type CallbackOutcome =
  | { kind: "profile"; profile: ExternalProfile; tokens: ProviderTokens }
  /** The user declined consent (access_denied, or Apple's user_cancelled_authorize). */
  | { kind: "denied" }
  /** Anything else; `reason` is for logs: short, never a token, code or provider text. */
  | { kind: "invalid"; reason: string };

export type RefreshOutcome =
  | { kind: "tokens"; tokens: ProviderTokens }
  /** The refresh token is no longer good: the user must sign in with the provider again. */
  | { kind: "invalid_grant" }
  /** The provider could not be reached or answered something else; try again later. */
  | { kind: "unavailable" };
