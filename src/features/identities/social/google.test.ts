// Google: the OIDC flow with Google's hints, and the hosted-domain (hd) restriction.
import { describe, expect, it } from "vitest";
import { newFlowSecrets, testDeps, testProvider } from "../../../../test/helpers/social-flow.ts";
import { authorizeAtLocalProvider, type LocalAccount } from "../../../../test/helpers/social-providers.ts";
import { buildAuthorizationUrl, completeAuthorization } from "./index.ts";
import type { GoogleProvider } from "./provider-types.ts";

const google = testProvider("google") as GoogleProvider;
const workspace: GoogleProvider = { ...google, id: "google-workspace", hostedDomain: "example.com" };

async function signIn(provider: GoogleProvider, account: LocalAccount) {
  const secrets = newFlowSecrets("google");
  const url = await buildAuthorizationUrl(provider, secrets, testDeps());
  const callback = await authorizeAtLocalProvider(url.href, account);
  return { url, outcome: await completeAuthorization(provider, secrets, callback.searchParams, testDeps()) };
}

describe("Google sign-in", () => {
  it("returns the verified profile", async () => {
    const { url, outcome } = await signIn(google, {
      sub: "1098765432101",
      email: "alan@gmail.example",
      email_verified: true,
      name: "Alan Turing",
      picture: "https://photos.example/alan.jpg",
    });
    expect(url.searchParams.get("prompt")).toBe("select_account");
    expect(url.searchParams.has("hd")).toBe(false);
    expect(outcome).toMatchObject({
      kind: "profile",
      profile: {
        providerType: "google",
        issuer: google.issuer,
        subject: "1098765432101",
        email: "alan@gmail.example",
        emailVerified: true,
        name: "Alan Turing",
        profile: { picture: "https://photos.example/alan.jpg" },
      },
    });
  });

  it("asks for offline access with consent when the entry stores tokens", async () => {
    const url = await buildAuthorizationUrl({ ...google, storeTokens: true }, newFlowSecrets("google"), testDeps());
    expect(url.searchParams.get("access_type")).toBe("offline");
    expect(url.searchParams.get("prompt")).toBe("consent");
  });

  it("accepts an account of the hosted domain and sends the hd hint", async () => {
    const { url, outcome } = await signIn(workspace, {
      sub: "1098765432102",
      email: "joan@example.com",
      email_verified: true,
      hd: "example.com",
    });
    expect(url.searchParams.get("hd")).toBe("example.com");
    expect(outcome).toMatchObject({ kind: "profile", profile: { profile: { hd: "example.com" } } });
  });

  it("refuses an account of another domain, or a consumer account without hd", async () => {
    const other = await signIn(workspace, { sub: "1098765432103", email: "x@other.example", hd: "other.example" });
    expect(other.outcome).toEqual({ kind: "invalid", reason: "google: the account is not in the hosted domain" });
    const consumer = await signIn(workspace, { sub: "1098765432104", email: "x@gmail.example", email_verified: true });
    expect(consumer.outcome).toEqual({ kind: "invalid", reason: "google: the account is not in the hosted domain" });
  });
});
