// POST /auth/token (RFC 8693 token exchange): an app's Firebase, Cognito, Auth0, Okta or OIDC ID token
// becomes a Portcullis session; just-in-time provisioning, the issuer's rules, and every refusal.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import {
  mintAuth0Token,
  mintCognitoAccessToken,
  mintCognitoToken,
  mintFirebaseToken,
  mintOidcToken,
  mintOktaToken,
} from "../../../test/helpers/federated-tokens.ts";
import { enrollTotp } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

function exchange(subjectToken: string, overrides: Record<string, string> = {}, form = false) {
  const fields = { grant_type: GRANT, subject_token: subjectToken, subject_token_type: ID_TOKEN, ...overrides };
  const client = ctx.client();
  return form
    ? client.request("/auth/token", {
        body: new URLSearchParams(fields).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        origin: null,
      })
    : client.request("/auth/token", { json: fields, origin: null });
}

type ExchangeBody = {
  access_token: string;
  issued_token_type: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  status: string;
  created: boolean;
  session: { id: string; accessToken: string; refreshToken: string };
};

const errorCodeOf = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;
const countOf = (table: string, where?: string, params?: unknown[]) => ctx.count(table, where, params);

describe("exchanging a federated ID token", () => {
  it.each([
    ["Firebase (form body)", mintFirebaseToken, true],
    ["Cognito", mintCognitoToken, false],
    ["Auth0", mintAuth0Token, false],
    ["Okta", mintOktaToken, false],
    ["generic OIDC", mintOidcToken, false],
  ])("signs up a %s user just in time and signs them in again by (issuer, subject)", async (_name, mint, form) => {
    const email = uniqueEmail("fed");
    const sub = `fed-${crypto.randomUUID()}`;
    // user_id is Firebase's copy of sub; the other issuers ignore it.
    const claims = { email, email_verified: true, sub, user_id: sub };
    const token = await mint(claims);
    const first = await exchange(token, {}, form);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    const body = (await first.json()) as ExchangeBody;
    expect(body).toMatchObject({
      status: "signed_in",
      created: true,
      token_type: "Bearer",
      issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
    });
    expect(body.access_token).toBe(body.session.accessToken);
    expect(body.expires_in).toBeGreaterThan(0);
    // The access token works as any session's does.
    const session = await ctx.client().request("/auth/session", { bearer: body.access_token });
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe(email);

    const again = (await (await exchange(await mint(claims), {}, form)).json()) as ExchangeBody;
    expect(again).toMatchObject({ status: "signed_in", created: false });
    expect(await countOf("users", "email = $1", [email])).toBe(1);
  });

  it("keeps a Firebase uid as the legacy id, so an app's existing user ids still resolve", async () => {
    const token = await mintFirebaseToken({ email: uniqueEmail("firebase-legacy") });
    expect((await exchange(token)).status).toBe(200);
    const uid = subjectOf(token);
    const [row] = await ctx.sql<{ legacy_id: string; provider_type: string; metadata: { sign_in_provider: string } }>(
      "SELECT legacy_id, provider_type, metadata FROM external_identities WHERE subject = $1",
      [uid],
    );
    expect(row).toMatchObject({
      legacy_id: uid,
      provider_type: "firebase",
      metadata: { sign_in_provider: "password" },
    });
  });

  it("provisions one user for concurrent first exchanges of the same identity", async () => {
    const email = uniqueEmail("fed-race");
    const token = await mintCognitoToken({ email });
    const answers = await Promise.all(Array.from({ length: 4 }, () => exchange(token)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(await countOf("users", "email = $1", [email])).toBe(1);
    expect(await countOf("external_identities", "subject = $1", [subjectOf(token)])).toBe(1);
  });

  it("asks for the second factor when the user has one", async () => {
    const email = uniqueEmail("fed-mfa");
    const token = await mintAuth0Token({ email, email_verified: true });
    const body = (await (await exchange(token)).json()) as ExchangeBody;
    const client = ctx.client();
    client.cookies.set("__Host-portcullis_at", body.access_token);
    await enrollTotp(client);
    const second = await exchange(await mintAuth0Token({ email, email_verified: true, sub: subjectOf(token) }));
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ status: "mfa_required", methods: expect.arrayContaining(["totp"]) });
  });

  it("asks to link an existing verified account instead of taking it over", async () => {
    const email = uniqueEmail("fed-link");
    await signUpBrowser(ctx, email);
    await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
    const response = await exchange(await mintOktaToken({ email, email_verified: true }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "link_required", email });
    expect(await countOf("external_identities", "email = $1", [email])).toBe(0);
  });
});

describe("refusals", () => {
  const refusals: Array<[string, () => Promise<string>]> = [
    ["another audience", () => mintFirebaseToken({ aud: "another-project" })],
    ["another issuer", () => mintCognitoToken({ iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other" })],
    ["an expired token", () => mintAuth0Token({ exp: Math.floor(Date.now() / 1000) - 3600 })],
    ["a Cognito access token", () => mintCognitoAccessToken()],
    ["an unknown key id", () => mintOktaToken({}, { header: { kid: "not-published" } })],
    [
      "an anonymous Firebase user",
      () => mintFirebaseToken({ firebase: { identities: {}, sign_in_provider: "anonymous" } }),
    ],
    ["garbage", () => Promise.resolve("not.a.jwt")],
  ];
  it.each(refusals)("refuses %s with 400 invalid_grant and writes nothing but the audit row", async (_name, make) => {
    const token = await make();
    const before = await ctx.snapshot();
    const response = await exchange(token);
    expect(response.status).toBe(400);
    expect(await errorCodeOf(response)).toBe("invalid_grant");
    const after = await ctx.snapshot();
    expect({ ...after, audit_events: 0, auth_counters: 0 }).toEqual({ ...before, audit_events: 0, auth_counters: 0 });
  });

  it("refuses an unverified email for a new identity", async () => {
    const response = await exchange(
      await mintOidcToken({ email: uniqueEmail("fed-unverified"), email_verified: false }),
    );
    expect(response.status).toBe(403);
    expect(await errorCodeOf(response)).toBe("external_email_unverified");
  });

  it.each([
    ["another grant type", { grant_type: "password" }, 400, "unsupported_grant_type"],
    [
      "an access token as subject",
      { subject_token_type: "urn:ietf:params:oauth:token-type:access_token" },
      400,
      "invalid_request",
    ],
  ])("refuses %s", async (_name, overrides, status, code) => {
    const response = await exchange(await mintOidcToken(), overrides);
    expect(response.status).toBe(status);
    expect(await errorCodeOf(response)).toBe(code);
  });

  it("refuses malformed bodies: bad JSON, missing fields, extra fields, repeated form fields, another media type", async () => {
    const client = ctx.client();
    const send = (body: string, contentType: string) =>
      client.request("/auth/token", { body, headers: { "content-type": contentType }, origin: null });
    const bad = await send("{not json", "application/json");
    expect([bad.status, await errorCodeOf(bad)]).toEqual([400, "invalid_json"]);
    const missing = await send(JSON.stringify({ grant_type: GRANT }), "application/json");
    expect([missing.status, await errorCodeOf(missing)]).toEqual([400, "invalid_request"]);
    const extra = await send(
      JSON.stringify({ grant_type: GRANT, subject_token: "x", subject_token_type: ID_TOKEN, x: 1 }),
      "application/json",
    );
    expect([extra.status, await errorCodeOf(extra)]).toEqual([400, "invalid_request"]);
    const repeated = await send(
      `grant_type=${encodeURIComponent(GRANT)}&grant_type=password&subject_token=x&subject_token_type=x`,
      "application/x-www-form-urlencoded",
    );
    expect([repeated.status, await errorCodeOf(repeated)]).toEqual([400, "invalid_request"]);
    const text = await send("hello", "text/plain");
    expect([text.status, await errorCodeOf(text)]).toEqual([415, "unsupported_media_type"]);
  });

  it("throttles a client after too many refused tokens", async () => {
    const client = ctx.client();
    const send = () =>
      client.request("/auth/token", {
        json: { grant_type: GRANT, subject_token: "not.a.jwt", subject_token_type: ID_TOKEN },
        origin: null,
      });
    const free = Number(ctx.worker.env.CLIENT_FREE_FAILURES ?? 20);
    for (let i = 0; i <= free; i++) expect((await send()).status).toBe(400);
    const blocked = await send();
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBeTruthy();
  });
});

function subjectOf(token: string): string {
  const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as {
    sub: string;
  };
  return payload.sub;
}
