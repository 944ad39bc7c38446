// examples/api-client behind the real gateway (examples/test-support/global-setup.ts): its typed calls get
// the documented answers (every one held to docs/openapi.json), the app sees the signed-in user, an access
// token's expiry costs one refresh, and an ended session fails once, without looping.
import { randomUUID } from "node:crypto";
import { SessionEndedError } from "@portcullis/client";
import { describe, expect, it } from "vitest";
import { gatewayUrl } from "../test-support/behind-gateway.ts";
import { contractCheckedFetch } from "../test-support/contract-fetch.ts";
import {
  type Credentials,
  callApp,
  connect,
  listSessions,
  type Me,
  revokeSession,
  signIn,
  signOut,
  signUp,
  whoAmI,
} from "./flow.ts";

const REFRESH = "POST /auth/refresh";
const SESSION = "GET /auth/session";
// An example origin of the examples' route table (example-origins.ts): it answers with the identity it verified.
const APP_PATH = "/hono/items/7";
// Past the access token's lifetime (ACCESS_TOKEN_TTL_SECONDS, 5 minutes by default).
const PAST_EXPIRY_SECONDS = 10 * 60;

/** One installation of the API client: its own recorded, contract-checked fetch and a clock the test moves. */
function device() {
  const fetch = contractCheckedFetch();
  let clock = Date.now();
  const ended: SessionEndedError[] = [];
  const client = connect({
    gatewayUrl: gatewayUrl(),
    fetch,
    now: () => clock,
    onSessionEnded: (error) => ended.push(error),
  });
  const advance = (seconds: number) => {
    clock += seconds * 1000;
  };
  return { client, fetch, ended, advance };
}

/** A new account (the examples' gateway signs a sign-up in at once), signed out again. */
async function newAccount(): Promise<Credentials> {
  const credentials = { email: `api-client-${randomUUID()}@example.com`, password: `Quiet harbour ${randomUUID()}` };
  const { client } = device();
  expect(await signUp(client, credentials)).toEqual({ kind: "signed_in", sessionId: expect.any(String) });
  expect(await signOut(client)).toBe("signed_out");
  return credentials;
}

async function signedInDevice(credentials: Credentials) {
  const signedIn = device();
  expect(await signIn(signedIn.client, credentials)).toEqual({ kind: "signed_in", sessionId: expect.any(String) });
  return signedIn;
}

const appUrl = () => new URL(APP_PATH, gatewayUrl());

describe("examples/api-client behind the gateway", () => {
  it("signs in over POST /auth/login, reads its session, and the app behind the gateway sees that user", async () => {
    const credentials = await newAccount();
    const { client, fetch } = device();
    const signedIn = await signIn(client, credentials);
    expect(signedIn).toEqual({ kind: "signed_in", sessionId: expect.any(String) });

    const me = (await whoAmI(client)) as Me;
    expect(me).toEqual({
      userId: expect.any(String),
      email: credentials.email,
      sessionId: expect.any(String),
      amr: ["pwd"],
    });
    expect(signedIn.kind === "signed_in" && signedIn.sessionId).toBe(me.sessionId);

    const app = await callApp(client, appUrl());
    expect(app.status).toBe(200);
    expect(app.body).toMatchObject({
      origin: "hono",
      identity: { userId: me.userId, sessionId: me.sessionId, email: credentials.email, authSource: "bearer" },
    });
    expect(fetch.count(REFRESH)).toBe(0);
  });

  it("survives an access token's expiry with one refresh, and a stale copy of the old refresh token ends the session", async () => {
    const credentials = await newAccount();
    const { client, fetch, advance, ended } = await signedInDevice(credentials);
    const original = client.tokens();
    if (!original) throw new Error("signed in without tokens");

    advance(PAST_EXPIRY_SECONDS);
    expect(await whoAmI(client)).toMatchObject({ email: credentials.email });
    expect(fetch.count(REFRESH)).toBe(1);
    expect(fetch.count(SESSION)).toBe(1);
    expect(client.tokens()?.refreshToken).not.toBe(original.refreshToken);

    // Its clock stays ahead of the tokens' (the gateway dates them), so this call refreshes once more:
    // the first refresh token's successor has now been used too.
    expect((await callApp(client, appUrl())).status).toBe(200);
    expect(fetch.count(REFRESH)).toBe(2);

    // A stale copy of the first refresh token (an old backup of the token file, say) is reuse: the gateway
    // refuses it and revokes the session.
    const stale = device();
    stale.client.setTokens(original);
    stale.advance(PAST_EXPIRY_SECONDS);
    const replay = await whoAmI(stale.client).catch((error: unknown) => error);
    expect(replay).toBeInstanceOf(SessionEndedError);
    expect(replay).toMatchObject({ code: "refresh_token_reused", status: 401 });
    expect(stale.fetch.sent()).toEqual([REFRESH]);

    // The rightful client notices at its next call: once, with no retry of the refused token.
    const next = await whoAmI(client).catch((error: unknown) => error);
    expect(next).toBeInstanceOf(SessionEndedError);
    expect(next).toMatchObject({ code: "invalid_refresh_token" });
    expect(ended.map((error) => error.code)).toEqual(["invalid_refresh_token"]);
    expect(client.tokens()).toBeNull();
    expect(fetch.count(REFRESH)).toBe(3);
  });

  it("lists the account's sessions and signs another device out, which then ends once, without looping", async () => {
    const credentials = await newAccount();
    const laptop = await signedInDevice(credentials);
    const phone = await signedInDevice(credentials);
    const phoneSession = (await whoAmI(phone.client)) as Me;
    const laptopSession = (await whoAmI(laptop.client)) as Me;

    const sessions = await listSessions(laptop.client);
    expect(sessions).toHaveLength(2);
    expect(sessions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: laptopSession.sessionId, current: true }),
        expect.objectContaining({ id: phoneSession.sessionId, current: false }),
      ]),
    );
    expect(await revokeSession(laptop.client, phoneSession.sessionId)).toBe("revoked");

    const sentBefore = phone.fetch.sent().length;
    const failure = await whoAmI(phone.client).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SessionEndedError);
    expect(failure).toMatchObject({ code: "invalid_refresh_token", status: 401 });
    expect(phone.ended).toHaveLength(1);
    // The call, one refresh (refused), and nothing more.
    expect(phone.fetch.sent().slice(sentBefore)).toEqual([SESSION, REFRESH]);
    // The tokens are gone: the next call is plainly unauthenticated, still without a refresh.
    expect(await whoAmI(phone.client)).toMatchObject({ kind: "refused", status: 401, code: "unauthenticated" });
    expect(phone.fetch.count(REFRESH)).toBe(1);

    expect(await listSessions(laptop.client)).toEqual([expect.objectContaining({ id: laptopSession.sessionId })]);
  });

  it("after signing out, calls answer 401 without a refresh or a retry, and the refresh token is dead", async () => {
    const credentials = await newAccount();
    const { client, fetch } = await signedInDevice(credentials);
    const refreshToken = client.tokens()?.refreshToken;
    expect(await signOut(client)).toBe("signed_out");
    expect(client.tokens()).toBeNull();

    expect(await whoAmI(client)).toMatchObject({ kind: "refused", status: 401, code: "unauthenticated" });
    const app = await callApp(client, appUrl());
    expect(app.status).toBe(401);
    expect(app.body).toMatchObject({ error: { code: "unauthenticated" } });
    expect(fetch.sent()).toEqual(["POST /auth/login", "POST /auth/logout", SESSION, `GET ${APP_PATH}`]);

    const { error, response } = await client.POST("/auth/refresh", { body: { refreshToken } });
    expect(response.status).toBe(401);
    expect(error?.error.code).toBe("invalid_refresh_token");
  });

  it("answers a wrong password, or an unknown account, with the typed invalid_credentials and throws nothing", async () => {
    const credentials = await newAccount();
    const { client, fetch } = device();
    const wrongPassword = await signIn(client, { ...credentials, password: "not the password at all" });
    expect(wrongPassword).toEqual({
      kind: "refused",
      status: 401,
      code: "invalid_credentials",
      message: expect.any(String),
    });
    const unknown = await signIn(client, { email: `nobody-${randomUUID()}@example.com`, password: "whatever it is" });
    expect(unknown).toEqual(wrongPassword);
    expect(await signIn(client, { email: credentials.email, password: "" })).toMatchObject({
      kind: "refused",
      status: 400,
      code: "invalid_request",
    });
    expect(client.tokens()).toBeNull();
    expect(fetch.count(REFRESH)).toBe(0);
  });
});
