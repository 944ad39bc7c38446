// Microsoft Entra ID: the multi-tenant issuer from the token's own tid, the tenant rules and xms_edov.
import { describe, expect, it } from "vitest";
import { newFlowSecrets, testDeps, testProvider } from "../../../../test/helpers/social-flow.ts";
import { authorizeAtLocalProvider, type EntraAccount } from "../../../../test/helpers/social-providers.ts";
import { buildAuthorizationUrl, completeAuthorization } from "./index.ts";
import type { MicrosoftProvider } from "./provider-types.ts";

const common = testProvider("entra") as MicrosoftProvider;
const single = testProvider("entra-tenant") as MicrosoftProvider;

const CONTOSO = "7d3f1b2a-4c5e-4f60-8a9b-0c1d2e3f4a5b";
const FABRIKAM = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";
const CONSUMERS = "9188040d-6c67-4c5b-b112-36a304b66dad";

async function signIn(provider: MicrosoftProvider, account: EntraAccount) {
  const secrets = newFlowSecrets(provider.id === "entra-tenant" ? "entra-tenant" : "entra");
  const url = await buildAuthorizationUrl(provider, secrets, testDeps());
  const callback = await authorizeAtLocalProvider(url.href, account);
  return { url, outcome: await completeAuthorization(provider, secrets, callback.searchParams, testDeps()) };
}

describe("Microsoft sign-in on the common endpoint", () => {
  it("accepts a user of any tenant, with the issuer of that tenant", async () => {
    const { url, outcome } = await signIn(common, {
      sub: "entra-sub-1",
      tid: CONTOSO,
      email: "megan@contoso.example",
      name: "Megan Bowen",
      xms_edov: true,
    });
    expect(url.pathname).toBe("/common/oauth2/v2.0/authorize");
    expect(outcome).toMatchObject({
      kind: "profile",
      profile: {
        providerType: "microsoft",
        issuer: `${common.authority}/${CONTOSO}/v2.0`,
        subject: "entra-sub-1",
        email: "megan@contoso.example",
        emailVerified: true,
        name: "Megan Bowen",
        profile: { tid: CONTOSO },
        metadata: { tid: CONTOSO },
      },
    });
  });

  it("reports the email as unverified without xms_edov (nOAuth, CVE-2023-36871)", async () => {
    const { outcome } = await signIn(common, { sub: "entra-sub-2", tid: CONTOSO, email: "ceo@victim.example" });
    expect(outcome).toMatchObject({ kind: "profile", profile: { email: "ceo@victim.example", emailVerified: false } });
    const { outcome: denied } = await signIn(common, {
      sub: "entra-sub-2b",
      tid: CONTOSO,
      email: "ceo@victim.example",
      xms_edov: false,
    });
    expect(denied).toMatchObject({ kind: "profile", profile: { emailVerified: false } });
  });

  it("refuses a token whose iss names another tenant than its tid", async () => {
    const { outcome } = await signIn(common, { sub: "entra-sub-3", tid: CONTOSO, issTid: FABRIKAM });
    expect(outcome).toMatchObject({ kind: "invalid", reason: expect.stringContaining("iss") });
  });

  it("refuses a token without a tenant id", async () => {
    const { outcome } = await signIn(common, { sub: "entra-sub-4", tid: "not-a-guid" });
    expect(outcome).toMatchObject({ kind: "invalid", reason: expect.stringContaining("iss") });
  });

  it("refuses personal accounts on organizations and work accounts on consumers", async () => {
    const organizations: MicrosoftProvider = { ...common, id: "entra-orgs", tenant: "organizations" };
    const personal = await signIn(organizations, { sub: "entra-sub-5", tid: CONSUMERS });
    expect(personal.outcome).toEqual({ kind: "invalid", reason: "microsoft: not a work or school account" });
    const consumers: MicrosoftProvider = { ...common, id: "entra-consumers", tenant: "consumers" };
    const work = await signIn(consumers, { sub: "entra-sub-6", tid: CONTOSO, issTid: CONSUMERS });
    expect(work.outcome).toEqual({ kind: "invalid", reason: "microsoft: not a personal account" });
    const home = await signIn(consumers, { sub: "entra-sub-7", tid: CONSUMERS });
    expect(home.outcome).toMatchObject({
      kind: "profile",
      profile: { issuer: `${common.authority}/${CONSUMERS}/v2.0` },
    });
  });
});

describe("Microsoft sign-in on a single tenant", () => {
  it("accepts the configured tenant's users", async () => {
    const { url, outcome } = await signIn(single, { sub: "entra-sub-8", tid: single.tenant });
    expect(url.pathname).toBe(`/${single.tenant}/oauth2/v2.0/authorize`);
    expect(outcome).toMatchObject({
      kind: "profile",
      profile: { issuer: `${single.authority}/${single.tenant}/v2.0` },
    });
  });

  it("refuses a user of another tenant, whatever the token's iss says", async () => {
    const other = await signIn(single, { sub: "entra-sub-9", tid: CONTOSO });
    expect(other.outcome).toMatchObject({ kind: "invalid", reason: expect.stringContaining("iss") });
    const forged = await signIn(single, { sub: "entra-sub-10", tid: CONTOSO, issTid: single.tenant });
    expect(forged.outcome).toEqual({
      kind: "invalid",
      reason: "microsoft: the token's tid is not the configured tenant",
    });
  });
});
