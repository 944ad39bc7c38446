// Federated ID-token verification (Firebase, Cognito, Auth0, Okta, generic OIDC).
export type { FederatedRefusal } from "./claims.ts";
export { type FederatedIssuer, type FederatedIssuerType, federatedIssuersSchema } from "./issuers.ts";
export type { FederatedDeps } from "./key-fetch.ts";
export { type FederatedVerification, findIssuerOfToken, verifyFederatedIdToken } from "./verify.ts";
