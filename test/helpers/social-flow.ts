// The social client's inputs in tests: the configured entries, fresh flow secrets and the Worker's deps.
import { generateRandomToken } from "../../src/crypto/bytes.ts";
import type { OAuthProvider } from "../../src/features/identities/social/provider-types.ts";
import { parseOAuthProviders } from "../../src/features/identities/social/providers.ts";
import type { FlowSecrets, ProviderDeps } from "../../src/features/identities/social/types.ts";
import { testEnv } from "./env.ts";

/** The OAUTH_PROVIDERS entry `id` of the test run (vitest.config.ts), secrets resolved. */
export function testProvider(id: string): OAuthProvider {
  const parsed = parseOAuthProviders(testEnv.OAUTH_PROVIDERS, testEnv as unknown as Record<string, unknown>, "test");
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const provider = parsed.providers.find((entry) => entry.id === id);
  if (!provider) throw new Error(`no test provider ${id}`);
  return provider;
}

/** What the lead's flow start would keep: random state, nonce and PKCE verifier; the entry's callback. */
export function newFlowSecrets(providerId: string): FlowSecrets {
  return {
    state: generateRandomToken(),
    nonce: generateRandomToken(),
    codeVerifier: generateRandomToken(32),
    redirectUri: `http://localhost/auth/oauth/${providerId}/callback`,
  };
}

export function testDeps(overrides: Partial<ProviderDeps> = {}): ProviderDeps {
  return { kv: testEnv.AUTH_KV, now: new Date(), environment: "test", ...overrides };
}
