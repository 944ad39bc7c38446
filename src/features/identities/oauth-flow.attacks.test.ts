// Attacks on the social sign-in callback: forged, replayed or cross-provider state (next-auth
// GHSA-x445-f3h2-j279), another browser's callback, a replayed code, a wrong PKCE verifier, ID tokens
// that are wrong on purpose, cross-site form posts, and failed callbacks throttled per client.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import {
  deliverCallback,
  locationOf,
  providerAccount,
  socialSignIn,
  startSocialSignIn,
} from "../../../test/helpers/oauth-flow.ts";
import { signInAtProvider } from "../../../test/helpers/oidc-provider.ts";
import { authorizeAtLocalProvider } from "../../../test/helpers/social-providers.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const EXPIRED = "/auth/sign-in?oauth_error=expired&return_to=%2F";
const FAILED = "/auth/sign-in?oauth_error=failed&return_to=%2Fdashboard";

/** What a refused callback must leave unchanged (counters and audit rows may move). */
async function unchanged(run: () => Promise<void>) {
  const tables = ["users", "external_identities", "sessions", "identity_link_intents"];
  const count = async () => {
    const counts: Record<string, number> = {};
    for (const table of tables)
      counts[table] = (await ctx.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? -1;
    return counts;
  };
  const before = await count();
  await run();
  expect(await count()).toEqual(before);
}

describe("the callback refuses", () => {
  it("a made-up state, and a state that was already used", async () => {
    const client = ctx.client();
    await unchanged(async () => {
      const forged = await client.request("/auth/oauth/oidc/callback?code=abc&state=forged-state");
      expect(locationOf(forged)).toBe(EXPIRED);
    });
    const authorization = await startSocialSignIn(client);
    const callback = await signInAtProvider(authorization.href, providerAccount(uniqueEmail("replay")));
    expect(locationOf(await deliverCallback(client, callback))).toBe("/dashboard");
    await unchanged(async () => {
      expect(locationOf(await deliverCallback(client, callback))).toBe(EXPIRED);
    });
  });

  it("a callback for another provider than the one the flow started with, without spending the flow", async () => {
    const client = ctx.client();
    const authorization = await startSocialSignIn(client);
    const callback = await signInAtProvider(authorization.href, providerAccount(uniqueEmail("mixup")));
    await unchanged(async () => {
      expect(locationOf(await deliverCallback(client, callback, "rogue"))).toBe(EXPIRED);
    });
    expect(locationOf(await deliverCallback(client, callback))).toBe("/dashboard");
  });

  it("a callback delivered to another browser (login CSRF): the flow is bound to the browser that started it", async () => {
    const victim = ctx.client();
    const attacker = ctx.client();
    const authorization = await startSocialSignIn(attacker);
    const callback = await signInAtProvider(authorization.href, providerAccount(uniqueEmail("attacker")));
    await unchanged(async () => {
      expect(locationOf(await deliverCallback(victim, callback))).toBe(EXPIRED);
    });
    expect(victim.cookies.has("__Host-portcullis_at")).toBe(false);
  });

  it("a replayed authorization code, and a code exchanged with another flow's PKCE verifier", async () => {
    const client = ctx.client();
    const first = await startSocialSignIn(client);
    const firstCallback = await signInAtProvider(first.href, providerAccount(uniqueEmail("code")));
    expect(locationOf(await deliverCallback(client, firstCallback))).toBe("/dashboard");
    // A new flow's state with the spent code: the provider refuses the code.
    const second = await startSocialSignIn(client);
    const replayed = new URL(firstCallback);
    replayed.searchParams.set("state", second.searchParams.get("state") ?? "");
    await unchanged(async () => {
      expect(locationOf(await deliverCallback(client, replayed))).toBe(FAILED);
    });

    // An unspent code from flow A with flow B's state: B's verifier does not match A's challenge.
    const flowA = await startSocialSignIn(client);
    const callbackA = await signInAtProvider(flowA.href, providerAccount(uniqueEmail("pkce")));
    const flowB = await startSocialSignIn(client);
    const swapped = new URL(callbackA);
    swapped.searchParams.set("state", flowB.searchParams.get("state") ?? "");
    await unchanged(async () => {
      expect(locationOf(await deliverCallback(client, swapped))).toBe(FAILED);
    });
  });

  it.each([
    ["another aud", "aud"],
    ["another iss", "iss"],
    ["an expired token", "expired"],
    ["a wrong nonce", "nonce"],
    ["a key the provider does not publish", "wrong-key"],
    ["alg none", "alg-none"],
  ])("an ID token with %s", async (_label, mischief) => {
    const client = ctx.client();
    const authorization = await startSocialSignIn(client, "rogue");
    const account = {
      sub: `rogue-${crypto.randomUUID()}`,
      email: uniqueEmail("rogue"),
      email_verified: true,
      mischief,
    };
    const callback = await authorizeAtLocalProvider(authorization.href, account);
    await unchanged(async () => {
      expect(locationOf(await deliverCallback(client, callback))).toBe(FAILED);
    });
    expect(client.cookies.has("__Host-portcullis_at")).toBe(false);
  });

  it("a cross-site form post with a forged state (state is the CSRF defence of form_post)", async () => {
    await unchanged(async () => {
      const response = await ctx.client().request("/auth/oauth/apple/callback", {
        body: new URLSearchParams({ code: "x", state: "forged" }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        origin: "https://appleid.apple.com",
      });
      expect(response.status).toBe(303);
      expect(locationOf(response)).toBe(EXPIRED);
    });
  });

  it("an unknown provider with a JSON 404", async () => {
    const response = await ctx.client().request("/auth/oauth/nope/start");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});

describe("throttling", () => {
  it("slows a client down after too many failed callbacks, and not another client", async () => {
    const client = ctx.client();
    const free = Number(ctx.worker.env.CLIENT_FREE_FAILURES ?? 20);
    // The attempt past the free ones is still answered and starts the delay; the next one waits.
    for (let i = 0; i <= free; i++) {
      expect(locationOf(await client.request(`/auth/oauth/oidc/callback?state=bad-${i}`))).toBe(EXPIRED);
    }
    const blocked = await client.request("/auth/oauth/oidc/callback?state=bad-final");
    expect(locationOf(blocked)).toBe("/auth/sign-in?oauth_error=too_many_attempts&return_to=%2F");
    // A legitimate sign-in from another client is unaffected.
    expect(locationOf(await socialSignIn(ctx.client(), providerAccount(uniqueEmail("other-client"))))).toBe(
      "/dashboard",
    );
  });
});
