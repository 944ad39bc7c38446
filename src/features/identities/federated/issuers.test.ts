import { describe, expect, it } from "vitest";
import { testEnv } from "../../../../test/helpers/env.ts";
import { ConfigError, loadConfig } from "../../../config/index.ts";
import { federatedIssuersSchema } from "./issuers.ts";

const required = {
  AUTH_KV: testEnv.AUTH_KV,
  DATABASE_URL: "postgres://u:p@db.example.com/app",
  ISSUER: "https://auth.example.com/",
  AUTH_SECRET: testEnv.AUTH_SECRET,
  SIGNING_KEYS: testEnv.SIGNING_KEYS,
  MAIL_HTTP_URL: "https://mail.example.com/send",
};

function configWith(entries: unknown, environment = "production") {
  return loadConfig({ ...required, ENVIRONMENT: environment, FEDERATED_ISSUERS: JSON.stringify(entries) });
}

function problemsOf(entries: unknown, environment = "production"): string {
  try {
    configWith(entries, environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("FEDERATED_ISSUERS", () => {
  it("is empty when unset", () => {
    expect(loadConfig({ ...required }).federatedIssuers).toEqual([]);
  });

  it("resolves each preset into its documented issuer, audiences, algorithms and key location", () => {
    const issuers = configWith([
      { id: "fb", type: "firebase", projectId: "my-project-1" },
      { id: "cog", type: "cognito", region: "us-east-1", userPoolId: "us-east-1_AbC123", clientId: "app1" },
      { id: "a0", type: "auth0", domain: "Tenant.EU.auth0.com", audience: "client-a0", autoLink: true },
      { id: "ok", type: "okta", issuer: "https://acme.okta.com/oauth2/default/", audience: "client-ok" },
      { id: "idp", type: "oidc", issuer: "https://login.example.org", audience: ["web", "ios"], algorithms: ["ES256"] },
    ]).federatedIssuers;
    expect(issuers).toEqual([
      {
        id: "fb",
        type: "firebase",
        autoLink: false,
        allowAnonymous: false,
        issuer: "https://securetoken.google.com/my-project-1",
        audiences: ["my-project-1"],
        algorithms: ["RS256"],
        keys: {
          format: "x509",
          url: "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com",
        },
      },
      {
        id: "cog",
        type: "cognito",
        autoLink: false,
        allowAnonymous: false,
        issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123",
        audiences: ["app1"],
        algorithms: ["RS256"],
        keys: {
          format: "jwks",
          url: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123/.well-known/jwks.json",
        },
      },
      {
        id: "a0",
        type: "auth0",
        autoLink: true,
        allowAnonymous: false,
        issuer: "https://tenant.eu.auth0.com/",
        audiences: ["client-a0"],
        algorithms: ["RS256"],
        keys: { format: "jwks", url: "https://tenant.eu.auth0.com/.well-known/jwks.json" },
      },
      {
        id: "ok",
        type: "okta",
        autoLink: false,
        allowAnonymous: false,
        issuer: "https://acme.okta.com/oauth2/default",
        audiences: ["client-ok"],
        algorithms: ["RS256"],
        keys: { format: "jwks", url: "https://acme.okta.com/oauth2/default/v1/keys" },
      },
      {
        id: "idp",
        type: "oidc",
        autoLink: false,
        allowAnonymous: false,
        issuer: "https://login.example.org",
        audiences: ["web", "ios"],
        algorithms: ["ES256"],
        keys: { format: "discovery", url: "https://login.example.org/.well-known/openid-configuration" },
      },
    ]);
  });

  it("loads the test run's entries (the Worker's binding) with the ids the identity service uses", () => {
    const issuers = federatedIssuersSchema.parse(testEnv.FEDERATED_ISSUERS);
    expect(issuers.map((issuer) => issuer.id)).toEqual(["firebase", "cognito", "auth0", "okta", "oidc-fed"]);
  });

  it("refuses Okta's org authorization server, saying why", () => {
    for (const issuer of ["https://acme.okta.com", "https://acme.okta.com/", "https://acme.okta.com/oauth2/v1"]) {
      const message = problemsOf([{ id: "okta", type: "okta", issuer, audience: "client" }]);
      expect(message).toContain('FEDERATED_ISSUERS entry #1 ("okta") issuer must be a custom authorization server');
      expect(message).toContain("org authorization server's access tokens cannot be verified locally");
    }
  });

  it("refuses plain-http URLs in production, naming the entry and field, and allows loopback http elsewhere", () => {
    const entries = [
      {
        id: "local",
        type: "cognito",
        region: "eu-west-1",
        userPoolId: "eu-west-1_X1",
        clientId: "c",
        jwksUri: "http://127.0.0.1:8080/jwks.json",
      },
    ];
    expect(problemsOf(entries)).toContain('FEDERATED_ISSUERS entry "local" jwksUri must use https in production');
    expect(configWith(entries, "development").federatedIssuers[0]?.keys.url).toBe("http://127.0.0.1:8080/jwks.json");
    const remote = [{ ...entries[0], jwksUri: "http://keys.example.com/jwks.json" }];
    expect(problemsOf(remote, "development")).toContain(
      'entry #1 ("local") jwksUri must be https (http only on a loopback host)',
    );
    const oidc = [{ id: "o", type: "oidc", issuer: "http://localhost:9000", audience: "a" }];
    expect(problemsOf(oidc)).toContain('entry "o" issuer must use https in production');
  });

  it("refuses a duplicate id and a second entry for the same issuer", () => {
    const firebase = { id: "fb", type: "firebase", projectId: "my-project-1" };
    expect(problemsOf([firebase, { ...firebase, projectId: "other-project" }])).toContain(
      'entry #2 ("fb") id is already used',
    );
    expect(problemsOf([firebase, { ...firebase, id: "fb2" }])).toContain('entry #2 ("fb2") uses the issuer of "fb"');
  });

  it("names the entry and field of every bad value", () => {
    const message = problemsOf([
      { id: "ok", type: "firebase", projectId: "my-project-1" },
      { id: "Bad Id", type: "firebase", projectId: "x" },
      { id: "cog", type: "cognito", region: "eu-west-1", userPoolId: "us-east-1_Abc", clientId: [] },
      { id: "a0", type: "auth0", domain: "t.auth0.com", audience: "c", algorithms: ["HS256"] },
      { id: "gen", type: "oidc", issuer: "https://idp.example.com", audience: "c", algorithms: ["none"] },
      { id: "what", type: "saml" },
      { id: "extra", type: "firebase", projectId: "my-project-2", secret: "x" },
    ]);
    expect(message).toContain("entry #2 id must be 1 to 63 lowercase letters");
    expect(message).toContain("entry #2 projectId must be a Firebase project id");
    expect(message).toContain('entry #3 ("cog") clientId must list at least one app client id');
    expect(message).toContain('entry #3 ("cog") userPoolId must belong to the entry\'s region');
    expect(message).toContain('entry #4 ("a0") algorithms.0');
    expect(message).toContain('entry #5 ("gen") algorithms.0');
    expect(message).toContain('entry #6 ("what") type must be one of firebase, cognito, auth0, okta, oidc');
    expect(message).toContain('entry #7 ("extra")');
    expect(message).not.toContain('entry #1 ("ok")');
  });

  it("refuses text that is not a JSON array", () => {
    expect(() => loadConfig({ ...required, FEDERATED_ISSUERS: "{oops" })).toThrow(
      "FEDERATED_ISSUERS is not valid JSON",
    );
    expect(() => loadConfig({ ...required, FEDERATED_ISSUERS: '{"id":"x"}' })).toThrow(
      "FEDERATED_ISSUERS must be a JSON array of issuer entries",
    );
  });
});
