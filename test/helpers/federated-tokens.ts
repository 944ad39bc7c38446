// ID tokens shaped as Firebase, Cognito, Auth0, Okta and a generic OIDC provider issue them, signed
// with the key server's keys (test/providers/federated-keys.ts), plus the tokens they must refuse.
import { importJWK, type JWK, type JWTHeaderParameters, SignJWT } from "jose";
import {
  type FederatedPresetName,
  TEST_AUTH0,
  TEST_COGNITO,
  TEST_FIREBASE,
  TEST_OIDC,
  TEST_OKTA,
} from "../providers/federated-presets.ts";
import { testEnv } from "./env.ts";

export type TestSigningKey = { kid: string; privateJwk: JWK };
/** Claims to add or replace; a claim set to undefined is left out of the token. */
export type ClaimChanges = Record<string, unknown>;
export type MintOptions = {
  /** Another signing key (a rotated one); its kid goes into the header. */
  key?: TestSigningKey;
  /** Header fields on top of { alg: RS256, typ: JWT, kid }. */
  header?: Partial<JWTHeaderParameters>;
  /** The token's issue time (default: now). */
  nowSeconds?: number;
};

/** A preset's initial signing key (served in every scope of the key server). */
export function federatedSigningKey(preset: FederatedPresetName): TestSigningKey {
  const keys = JSON.parse(testEnv.FEDERATED_SIGNING_KEYS) as Record<FederatedPresetName, TestSigningKey>;
  return keys[preset];
}

const nowInSeconds = () => Math.floor(Date.now() / 1000);
const randomId = () => crypto.randomUUID();

/** Signs `claims` (undefined values dropped) with `key` as RS256, or the header's alg. */
export async function signTestToken(
  key: TestSigningKey,
  claims: ClaimChanges,
  header: Partial<JWTHeaderParameters> = {},
): Promise<string> {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  const fullHeader = { alg: "RS256", typ: "JWT", kid: key.kid, ...header } as JWTHeaderParameters;
  return new SignJWT(payload).setProtectedHeader(fullHeader).sign(await importJWK(key.privateJwk, fullHeader.alg));
}

function mint(preset: FederatedPresetName, base: (now: number) => ClaimChanges) {
  return (changes: ClaimChanges = {}, options: MintOptions = {}) => {
    const now = options.nowSeconds ?? nowInSeconds();
    return signTestToken(options.key ?? federatedSigningKey(preset), { ...base(now), ...changes }, options.header);
  };
}

/** A Firebase Auth ID token (email/password sign-in), valid for an hour. */
export const mintFirebaseToken = mint("firebase", (now) => {
  const uid = `fb${randomId().replace(/-/g, "").slice(0, 26)}`;
  const email = `${uid}@example.com`;
  return {
    iss: `https://securetoken.google.com/${TEST_FIREBASE.projectId}`,
    aud: TEST_FIREBASE.projectId,
    auth_time: now - 120,
    user_id: uid,
    sub: uid,
    iat: now,
    exp: now + 3600,
    email,
    email_verified: true,
    name: "Fiona Base",
    firebase: { identities: { email: [email] }, sign_in_provider: "password" },
  };
});

const cognitoIssuer = `https://cognito-idp.${TEST_COGNITO.region}.amazonaws.com/${TEST_COGNITO.userPoolId}`;

/** A Cognito user pool ID token; Cognito sends email_verified as the string "true". */
export const mintCognitoToken = mint("cognito", (now) => {
  const sub = randomId();
  return {
    sub,
    email_verified: "true",
    iss: cognitoIssuer,
    "cognito:username": `user-${sub.slice(0, 8)}`,
    origin_jti: randomId(),
    aud: TEST_COGNITO.clientIds[0],
    event_id: randomId(),
    token_use: "id",
    auth_time: now - 60,
    exp: now + 3600,
    iat: now,
    jti: randomId(),
    email: `${sub.slice(0, 8)}@example.com`,
  };
});

/** A Cognito access token: no aud, token_use "access", client_id and scope instead. */
export const mintCognitoAccessToken = mint("cognito", (now) => {
  const sub = randomId();
  return {
    sub,
    iss: cognitoIssuer,
    client_id: TEST_COGNITO.clientIds[0],
    origin_jti: randomId(),
    event_id: randomId(),
    token_use: "access",
    scope: "aws.cognito.signin.user.admin",
    auth_time: now - 60,
    exp: now + 3600,
    iat: now,
    jti: randomId(),
    username: `user-${sub.slice(0, 8)}`,
  };
});

/** An Auth0 ID token (database connection), valid for Auth0's default 10 hours. */
export const mintAuth0Token = mint("auth0", (now) => {
  const id = randomId().replace(/-/g, "").slice(0, 24);
  return {
    nickname: `user${id.slice(0, 6)}`,
    name: `user${id.slice(0, 6)}@example.com`,
    picture: "https://s.gravatar.com/avatar/0?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fus.png",
    updated_at: new Date(now * 1000).toISOString(),
    email: `user${id.slice(0, 6)}@example.com`,
    email_verified: false,
    iss: `https://${TEST_AUTH0.domain}/`,
    aud: TEST_AUTH0.audience,
    sub: `auth0|${id}`,
    iat: now,
    exp: now + 36_000,
    sid: randomId(),
  };
});

/** An Okta ID token from the custom authorization server `default`. */
export const mintOktaToken = mint("okta", (now) => {
  const sub = `00u${randomId().replace(/-/g, "").slice(0, 17)}`;
  return {
    sub,
    name: "Olive Kta",
    email: `${sub}@example.com`,
    email_verified: true,
    ver: 1,
    iss: TEST_OKTA.issuer,
    aud: TEST_OKTA.audience,
    iat: now,
    exp: now + 3600,
    jti: `ID.${randomId()}`,
    amr: ["pwd"],
    idp: "00o1a2b3c4d5e6f7g8h9",
    preferred_username: `${sub}@example.com`,
    auth_time: now - 30,
  };
});

/** An Okta access token of the same server: aud is the API, with `cid` and `scp`. */
export const mintOktaAccessToken = mint("okta", (now) => ({
  ver: 1,
  jti: `AT.${randomId()}`,
  iss: TEST_OKTA.issuer,
  aud: "api://default",
  iat: now,
  exp: now + 3600,
  cid: TEST_OKTA.audience,
  uid: "00u1a2b3c4d5e6f7g8h9",
  scp: ["openid", "email"],
  sub: "olive@example.com",
}));

/** An ID token of the generic OIDC provider (found through discovery). */
export const mintOidcToken = mint("oidc", (now) => {
  const sub = randomId();
  return {
    iss: TEST_OIDC.issuer,
    sub,
    aud: TEST_OIDC.audience,
    iat: now,
    exp: now + 600,
    auth_time: now - 10,
    email: `${sub.slice(0, 8)}@example.org`,
    email_verified: true,
    name: "Ola Idc",
    given_name: "Ola",
  };
});

export const MINT_BY_PRESET = {
  firebase: mintFirebaseToken,
  cognito: mintCognitoToken,
  auth0: mintAuth0Token,
  okta: mintOktaToken,
  oidc: mintOidcToken,
} as const;
