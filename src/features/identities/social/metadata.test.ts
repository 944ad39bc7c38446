// Discovery and key sets are fetched once and then served from the isolate cache and from KV.
import { beforeEach, describe, expect, it } from "vitest";
import { testEnv } from "../../../../test/helpers/env.ts";
import { newFlowSecrets, testDeps, testProvider } from "../../../../test/helpers/social-flow.ts";
import { buildAuthorizationUrl } from "./index.ts";

// A clock past the isolate cache's TTL, so entries other test files left behind have expired.
const tomorrow = () => new Date(Date.now() + 86_400_000);

function countingFetch() {
  const urls: string[] = [];
  const counted: typeof fetch = (input, init) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return fetch(input, init);
  };
  return { urls, counted };
}

// KV may hold copies from other files of the run; dropping them only costs those a fetch.
async function forgetCachedMetadata(): Promise<void> {
  const { keys } = await testEnv.AUTH_KV.list({ prefix: "oauth:" });
  await Promise.all(keys.map((key) => testEnv.AUTH_KV.delete(key.name)));
}

describe("provider metadata cache", () => {
  beforeEach(forgetCachedMetadata);

  it("fetches the discovery document once, then answers from the cache and keeps a copy in KV", async () => {
    const provider = testProvider("google");
    const { urls, counted } = countingFetch();
    const deps = testDeps({ now: tomorrow(), fetch: counted });
    const first = await buildAuthorizationUrl(provider, newFlowSecrets("google"), deps);
    const second = await buildAuthorizationUrl(provider, newFlowSecrets("google"), deps);
    expect(second.origin + second.pathname).toBe(first.origin + first.pathname);
    expect(urls.filter((url) => url.endsWith("/.well-known/openid-configuration"))).toHaveLength(1);
    const stored = await testEnv.AUTH_KV.list({ prefix: "oauth:discovery:" });
    expect(stored.keys.length).toBeGreaterThan(0);
  });

  it("answers a new isolate's flow from KV without fetching again", async () => {
    const provider = testProvider("apple");
    const warm = countingFetch();
    await buildAuthorizationUrl(provider, newFlowSecrets("apple"), testDeps({ now: tomorrow(), fetch: warm.counted }));
    // Two days on, the isolate copy has expired; the KV copy (real-time TTL) has not.
    const cold = countingFetch();
    const later = new Date(Date.now() + 2 * 86_400_000);
    await buildAuthorizationUrl(provider, newFlowSecrets("apple"), testDeps({ now: later, fetch: cold.counted }));
    expect(warm.urls).toHaveLength(1);
    expect(cold.urls).toHaveLength(0);
  });
});
