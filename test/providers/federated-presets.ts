// The federated issuers the test run configures (FEDERATED_ISSUERS): shared by vitest.config.ts, the
// key server and the token helpers, so issuer strings and audiences agree everywhere. No runtime APIs.

export const FEDERATED_PRESET_NAMES = ["firebase", "cognito", "auth0", "okta", "oidc"] as const;
export type FederatedPresetName = (typeof FEDERATED_PRESET_NAMES)[number];

export const TEST_FIREBASE = { projectId: "portcullis-test" } as const;
export const TEST_COGNITO = {
  region: "eu-west-1",
  userPoolId: "eu-west-1_PortTest1",
  clientIds: ["cognito-app-client", "cognito-other-client"],
} as const;
export const TEST_AUTH0 = { domain: "portcullis-test.eu.auth0.com", audience: "auth0-client-id" } as const;
export const TEST_OKTA = {
  issuer: "https://portcullis-test.okta.com/oauth2/default",
  audience: "okta-client-id",
} as const;
export const TEST_OIDC = { issuer: "https://idp.portcullis.test", audience: "oidc-client-id" } as const;

/** The key server's path of a preset's keys (JWKS, Firebase's certificate map, OIDC discovery). */
export function keyPathOf(scope: string, preset: FederatedPresetName): string {
  if (preset === "firebase") return `/${scope}/firebase/certs`;
  if (preset === "oidc") return `/${scope}/oidc/.well-known/openid-configuration`;
  return `/${scope}/${preset}/jwks.json`;
}

const DEFAULT_IDS: Record<FederatedPresetName, string> = {
  firebase: "firebase",
  cognito: "cognito",
  auth0: "auth0",
  okta: "okta",
  oidc: "oidc-fed",
};

/** FEDERATED_ISSUERS entries pointing at the key server under `scope` (ids as the Worker sees them). */
export function federatedIssuerEntries(keyServerUrl: string, scope = "shared", ids = DEFAULT_IDS) {
  const at = (preset: FederatedPresetName) => `${keyServerUrl}${keyPathOf(scope, preset)}`;
  return [
    { id: ids.firebase, type: "firebase", projectId: TEST_FIREBASE.projectId, certificatesUrl: at("firebase") },
    {
      id: ids.cognito,
      type: "cognito",
      region: TEST_COGNITO.region,
      userPoolId: TEST_COGNITO.userPoolId,
      clientId: [...TEST_COGNITO.clientIds],
      jwksUri: at("cognito"),
    },
    { id: ids.auth0, type: "auth0", domain: TEST_AUTH0.domain, audience: TEST_AUTH0.audience, jwksUri: at("auth0") },
    { id: ids.okta, type: "okta", issuer: TEST_OKTA.issuer, audience: TEST_OKTA.audience, jwksUri: at("okta") },
    { id: ids.oidc, type: "oidc", issuer: TEST_OIDC.issuer, audience: TEST_OIDC.audience, discoveryUrl: at("oidc") },
  ];
}
