// ID tokens that are wrong on purpose (the rogue provider): each one is refused, none is a thrown error.
import { describe, expect, it } from "vitest";
import { newFlowSecrets, testDeps, testProvider } from "../../../../test/helpers/social-flow.ts";
import { authorizeAtLocalProvider } from "../../../../test/helpers/social-providers.ts";
import { buildAuthorizationUrl, completeAuthorization } from "./index.ts";

const rogue = testProvider("rogue");

async function signInWith(mischief?: string) {
  const secrets = newFlowSecrets("rogue");
  const url = await buildAuthorizationUrl(rogue, secrets, testDeps());
  const callback = await authorizeAtLocalProvider(url.href, {
    sub: `rogue-${mischief ?? "honest"}`,
    email: "eve@example.com",
    email_verified: true,
    ...(mischief ? { mischief } : {}),
  });
  return completeAuthorization(rogue, secrets, callback.searchParams, testDeps());
}

describe("ID token checks", () => {
  it("accepts the provider's honest token (the control case)", async () => {
    expect(await signInWith()).toMatchObject({
      kind: "profile",
      profile: { subject: "rogue-honest", email: "eve@example.com", emailVerified: true },
    });
  });

  it.each([
    ["aud", "another audience", "aud"],
    ["aud-list", "an extra audience without azp", "aud"],
    ["azp", "another authorized party", "azp"],
    ["iss", "another issuer", "iss"],
    ["expired", "an expired token", "exp"],
    ["future-iat", "a token issued in the future", "iat"],
    ["nonce", "another nonce", "nonce"],
    ["no-nonce", "no nonce", "nonce"],
    ["unknown-key", "a key the provider does not publish", "id_token"],
    ["wrong-key", "another key under a published key id", "signature"],
    ["alg-none", "an unsigned token (alg none)", "alg"],
    ["alg-hs256", "HS256 keyed with the client secret", "alg"],
    ["no-id-token", "no ID token at all", "id_token"],
  ])("refuses %s (%s)", async (mischief, _label, inReason) => {
    const outcome = await signInWith(mischief);
    expect(outcome.kind).toBe("invalid");
    if (outcome.kind === "invalid") expect(outcome.reason.toLowerCase()).toContain(inReason);
  });

  it("refuses a token that is fine except for the algorithm the entry pins", async () => {
    const secrets = newFlowSecrets("rogue");
    const pinned = { ...rogue, algorithms: ["ES256"] };
    const url = await buildAuthorizationUrl(pinned, secrets, testDeps());
    const callback = await authorizeAtLocalProvider(url.href, { sub: "rogue-pinned" });
    const outcome = await completeAuthorization(pinned, secrets, callback.searchParams, testDeps());
    expect(outcome).toMatchObject({ kind: "invalid", reason: expect.stringContaining("alg") });
  });

  it("checks expiry against the injected clock", async () => {
    const secrets = newFlowSecrets("rogue");
    const url = await buildAuthorizationUrl(rogue, secrets, testDeps());
    const callback = await authorizeAtLocalProvider(url.href, { sub: "rogue-clock" });
    const later = testDeps({ now: new Date(Date.now() + 2 * 3600_000) });
    expect(await completeAuthorization(rogue, secrets, callback.searchParams, later)).toMatchObject({
      kind: "invalid",
      reason: expect.stringContaining("exp"),
    });
  });
});

describe("unreachable providers", () => {
  it("answers invalid, not an exception, when discovery cannot be fetched", async () => {
    const gone = { ...rogue, id: "gone", issuer: "http://127.0.0.1:9" };
    const outcome = await completeAuthorization(
      gone,
      newFlowSecrets("gone"),
      new URLSearchParams("code=x&state=y"),
      testDeps(),
    );
    expect(outcome).toEqual({ kind: "invalid", reason: "discovery: provider unreachable" });
    await expect(buildAuthorizationUrl(gone, newFlowSecrets("gone"), testDeps())).rejects.toThrow(
      "provider gone: discovery failed",
    );
  });
});
