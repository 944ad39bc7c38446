// OAUTH_PROVIDERS parsing: defaults per preset, secrets from named bindings, and every refusal named.
import { describe, expect, it } from "vitest";
import { testEnv } from "../../../../test/helpers/env.ts";
import { ConfigError, loadConfig } from "../../../config/index.ts";
import { findOAuthProvider, parseOAuthProviders } from "./providers.ts";

const SECRET = "s3cret-value-never-printed";
const PEM =
  "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
const bindings = { GOOGLE_SECRET: SECRET, APPLE_KEY: PEM };

const google = {
  id: "google",
  type: "google",
  clientId: "app.apps.googleusercontent.com",
  clientSecretBinding: "GOOGLE_SECRET",
};

function problemsOf(entries: unknown, environment: "test" | "production" = "production", extra = bindings) {
  const result = parseOAuthProviders(JSON.stringify(entries), extra, environment);
  if (result.ok) throw new Error("expected the entries to be refused");
  return result.problems.join("\n");
}

describe("OAUTH_PROVIDERS", () => {
  it("applies each preset's defaults and reads secrets from the named bindings", () => {
    const result = parseOAuthProviders(
      JSON.stringify([
        google,
        { id: "gh", type: "github", clientId: "Iv1.abc", clientSecretBinding: "GOOGLE_SECRET", autoLink: true },
        {
          id: "ms",
          type: "microsoft",
          clientId: "c",
          clientSecretBinding: "GOOGLE_SECRET",
          tenant: "common",
          storeTokens: true,
        },
        {
          id: "apple",
          type: "apple",
          clientId: "com.example",
          teamId: "TEAMID1234",
          keyId: "KEYID12345",
          privateKeyBinding: "APPLE_KEY",
        },
      ]),
      bindings,
      "production",
    );
    expect(result).toMatchObject({
      ok: true,
      providers: [
        {
          id: "google",
          displayName: "Google",
          scopes: ["openid", "email", "profile"],
          issuer: "https://accounts.google.com",
          clientSecret: SECRET,
          hostedDomain: null,
          autoLink: false,
          storeTokens: false,
        },
        {
          id: "gh",
          displayName: "GitHub",
          scopes: ["read:user", "user:email"],
          issuer: "https://github.com",
          apiBaseUrl: "https://api.github.com",
          autoLink: true,
        },
        {
          id: "ms",
          authority: "https://login.microsoftonline.com",
          scopes: ["openid", "email", "profile", "offline_access"],
        },
        { id: "apple", issuer: "https://appleid.apple.com", scopes: ["name", "email"], privateKey: PEM },
      ],
    });
    if (!result.ok) return;
    expect(findOAuthProvider(result.providers, "gh")?.type).toBe("github");
    expect(findOAuthProvider(result.providers, "nope")).toBeUndefined();
  });

  it("accepts no setting as no providers, and refuses text that is not a JSON array", () => {
    expect(parseOAuthProviders(undefined, {}, "production")).toEqual({ ok: true, providers: [] });
    expect(parseOAuthProviders("{oops", {}, "production")).toEqual({
      ok: false,
      problems: ["OAUTH_PROVIDERS is not valid JSON"],
    });
    expect(parseOAuthProviders('{"id":"x"}', {}, "production")).toMatchObject({
      ok: false,
      problems: ["OAUTH_PROVIDERS must be a JSON array of providers"],
    });
  });

  it("names the entry and the field of each problem", () => {
    const problems = problemsOf([
      { ...google, id: "Bad Id" },
      { ...google, type: "facebook" },
      google,
      google,
      { ...google, id: "google-2", scopes: ["email"] },
      { ...google, id: "google-3", colour: "red" },
    ]);
    expect(problems).toContain("OAUTH_PROVIDERS[0] id: must be 1 to 32 lowercase letters, digits or -");
    expect(problems).toContain('OAUTH_PROVIDERS[1] "google"');
    expect(problems).toContain("type must be one of oidc, google, microsoft, apple, github");
    expect(problems).toContain('OAUTH_PROVIDERS[3] "google" id: is used by an earlier entry');
    expect(problems).toContain('OAUTH_PROVIDERS[4] "google-2" scopes must include openid');
    expect(problems).toContain('OAUTH_PROVIDERS[5] "google-3"');
  });

  it("refuses a missing secret binding, naming the binding but never a value", () => {
    const problems = problemsOf([{ ...google, clientSecretBinding: "NOT_BOUND" }], "production", { ...bindings });
    expect(problems).toBe('OAUTH_PROVIDERS[0] "google" clientSecretBinding: the binding NOT_BOUND is missing or empty');
    const apple = {
      id: "apple",
      type: "apple",
      clientId: "c",
      teamId: "TEAMID1234",
      keyId: "KEYID12345",
      privateKeyBinding: "GOOGLE_SECRET",
    };
    const applePem = problemsOf([apple]);
    expect(applePem).toContain("GOOGLE_SECRET must hold a PKCS#8 PEM private key");
    expect(applePem).not.toContain(SECRET);
  });

  it("allows http endpoints only on loopback and never in production", () => {
    const local = {
      id: "dev",
      type: "oidc",
      clientId: "c",
      clientSecretBinding: "GOOGLE_SECRET",
      issuer: "http://127.0.0.1:9999",
    };
    expect(parseOAuthProviders(JSON.stringify([local]), bindings, "test").ok).toBe(true);
    expect(problemsOf([local])).toContain('OAUTH_PROVIDERS[0] "dev" issuer: must be an https URL');
    expect(problemsOf([{ ...local, issuer: "http://idp.example.com" }], "test")).toContain(
      "issuer: must be an https URL (http only on 127.0.0.1 or localhost)",
    );
    expect(problemsOf([{ ...local, issuer: "https://idp.example.com/?tenant=x" }])).toContain(
      "without credentials, query or fragment",
    );
    const github = {
      id: "gh",
      type: "github",
      clientId: "c",
      clientSecretBinding: "GOOGLE_SECRET",
      apiBaseUrl: "http://api.example",
    };
    expect(problemsOf([github], "test")).toContain('OAUTH_PROVIDERS[0] "gh" apiBaseUrl: must be an https URL');
  });

  it("refuses autoLink for Microsoft, shared-secret or unsigned algorithms, and a malformed tenant", () => {
    const ms = { id: "ms", type: "microsoft", clientId: "c", clientSecretBinding: "GOOGLE_SECRET", tenant: "common" };
    expect(problemsOf([{ ...ms, autoLink: true }])).toContain("autoLink is not allowed for microsoft");
    expect(problemsOf([{ ...ms, tenant: "contoso" }])).toContain(
      "tenant: must be a tenant id (GUID), common, organizations or consumers",
    );
    const oidc = {
      id: "idp",
      type: "oidc",
      clientId: "c",
      clientSecretBinding: "GOOGLE_SECRET",
      issuer: "https://idp.example",
    };
    expect(problemsOf([{ ...oidc, algorithms: ["HS256"] }])).toContain('OAUTH_PROVIDERS[0] "idp" algorithms.0');
    expect(problemsOf([{ ...oidc, algorithms: ["none"] }])).toContain("algorithms.0");
    expect(parseOAuthProviders(JSON.stringify([{ ...oidc, autoLink: true }]), bindings, "production").ok).toBe(true);
  });

  it("fails the configuration with the entry's problem, and fills oauthProviders when valid", () => {
    const base = { ...testEnv, ENVIRONMENT: "test", GOOGLE_SECRET: SECRET };
    expect(() =>
      loadConfig({ ...base, OAUTH_PROVIDERS: JSON.stringify([{ ...google, clientSecretBinding: "MISSING" }]) }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ...base, OAUTH_PROVIDERS: JSON.stringify([{ ...google, clientSecretBinding: "MISSING" }]) }),
    ).toThrow('OAUTH_PROVIDERS[0] "google" clientSecretBinding: the binding MISSING is missing or empty');
    const config = loadConfig({ ...base, OAUTH_PROVIDERS: JSON.stringify([google]) } as typeof testEnv);
    expect(config.oauthProviders.map((provider) => provider.id)).toEqual(["google"]);
    expect(loadConfig(testEnv).oauthProviders.map((provider) => provider.id)).toEqual([
      "oidc",
      "oidc-tokens",
      "rogue",
      "github",
      "apple",
      "entra",
      "entra-tenant",
      "google",
    ]);
  });
});
