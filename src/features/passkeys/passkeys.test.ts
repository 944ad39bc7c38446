// Passkeys end to end with a software authenticator (P-256, "none" attestation, built on Web Crypto).
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpBrowser,
  testEnv,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { createSoftwareAuthenticator, type SoftwareAuthenticator } from "../../../test/helpers/authenticator.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { registerPasskey, TEST_RP } from "../../../test/helpers/second-factors.ts";
import { deriveServerKeys, hashClientIp } from "../../crypto/server-keys.ts";
import { USERNAMELESS_OPTIONS_PER_CLIENT } from "./assertion.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function registered(): Promise<{ client: TestClient; authenticator: SoftwareAuthenticator; passkeyId: string }> {
  const client = await signUpBrowser(ctx);
  return { client, ...(await registerPasskey(client)) };
}

async function signIn(authenticator: SoftwareAuthenticator, overrides = {}, device = ctx.client()) {
  const options = await (await device.request("/auth/passkeys/login/options", { method: "POST" })).json();
  const assertion = await authenticator.authenticate(options as never, overrides);
  return {
    device,
    response: await device.request("/auth/passkeys/login", { json: { response: assertion } }),
    assertion,
  };
}

describe("passkeys", () => {
  it("registers a passkey and signs in without a username, with amr hwk+user", async () => {
    const { authenticator } = await registered();
    const { device, response } = await signIn(authenticator);
    expect(response.status).toBe(200);
    const session = (await (await device.request("/auth/session")).json()) as { session: { amr: string[] } };
    expect(session.session.amr).toEqual(["hwk", "user", "mfa"]);
  });

  it("refuses a registration with a wrong origin, RP id, challenge or ceremony type, or without user verification", async () => {
    const email = uniqueEmail("register");
    const client = await signUpBrowser(ctx, email);
    for (const overrides of [
      { origin: "https://evil.example.com" },
      { rpId: "evil.example.com" },
      { userVerified: false },
      { challenge: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      { type: "webauthn.get" },
    ]) {
      const options = await (await client.request("/auth/passkeys/register/options", { method: "POST" })).json();
      const response = await createSoftwareAuthenticator(TEST_RP).register(options as never, overrides);
      const refused = await client.request("/auth/passkeys/register", { json: { response } });
      expect([refused.status, ((await refused.json()) as ErrorBody).error.code]).toEqual([400, "passkey_rejected"]);
    }
    expect(((await (await client.request("/auth/passkeys")).json()) as { passkeys: unknown[] }).passkeys).toEqual([]);
    const rejected = await ctx.sql(
      "SELECT 1 FROM audit_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1 AND e.action = 'passkey.rejected'",
      [email],
    );
    expect(rejected).toHaveLength(5);
  });

  it("spends a registration challenge once, and only for the user who asked for it", async () => {
    const owner = await signUpBrowser(ctx);
    const options = await (await owner.request("/auth/passkeys/register/options", { method: "POST" })).json();
    const response = await createSoftwareAuthenticator(TEST_RP).register(options as never);
    const intruder = await signUpBrowser(ctx);
    const stolen = await intruder.request("/auth/passkeys/register", { json: { response } });
    expect(((await stolen.json()) as ErrorBody).error.code).toBe("passkey_rejected");
    expect((await owner.request("/auth/passkeys/register", { json: { response } })).status).toBe(201);
    const again = await owner.request("/auth/passkeys/register", { json: { response } });
    expect(((await again.json()) as ErrorBody).error.code).toBe("passkey_rejected");
    expect(((await (await owner.request("/auth/passkeys")).json()) as { passkeys: unknown[] }).passkeys).toHaveLength(
      1,
    );
  });

  it("refuses a wrong origin, a wrong RP id, a missing user verification and a wrong challenge", async () => {
    const { authenticator } = await registered();
    for (const overrides of [
      { origin: "https://evil.example.com" },
      { rpId: "evil.example.com" },
      { userVerified: false },
      { challenge: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    ]) {
      const { response } = await signIn(authenticator, overrides);
      expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([400, "passkey_rejected"]);
    }
  });

  it("refuses a replayed assertion (its challenge is spent)", async () => {
    const { authenticator } = await registered();
    const { device, response, assertion } = await signIn(authenticator);
    expect(response.status).toBe(200);
    const replay = await device.request("/auth/passkeys/login", { json: { response: assertion } });
    expect(((await replay.json()) as ErrorBody).error.code).toBe("passkey_rejected");
  });

  it("refuses and audits a signature counter that goes backwards", async () => {
    const { authenticator } = await registered();
    authenticator.setSignCount(10);
    expect((await signIn(authenticator)).response.status).toBe(200);
    authenticator.setSignCount(3);
    const { response } = await signIn(authenticator);
    expect(((await response.json()) as ErrorBody).error.code).toBe("passkey_rejected");
    expect(await ctx.sql("SELECT 1 FROM audit_events WHERE action = 'passkey.counter_regression'")).toHaveLength(1);
  });

  it("binds a challenge to the client that asked for it", async () => {
    const { authenticator } = await registered();
    const asking = ctx.client();
    const options = await (await asking.request("/auth/passkeys/login/options", { method: "POST" })).json();
    const assertion = await authenticator.authenticate(options as never);
    const other = await ctx.client().request("/auth/passkeys/login", { json: { response: assertion } });
    expect(((await other.json()) as ErrorBody).error.code).toBe("passkey_rejected");
  });

  it("lists, renames and removes passkeys, but never the last way to sign in", async () => {
    const { client, passkeyId } = await registered();
    const list = (await (await client.request("/auth/passkeys")).json()) as {
      passkeys: Array<{ id: string; name: string; backedUp: boolean }>;
    };
    expect(list.passkeys).toEqual([expect.objectContaining({ id: passkeyId, name: "Laptop", backedUp: false })]);
    expect(
      (await client.request(`/auth/passkeys/${passkeyId}`, { method: "PATCH", json: { name: "Work laptop" } })).status,
    ).toBe(200);
    expect((await client.request("/auth/passkeys/not-an-id", { method: "DELETE" })).status).toBe(400);

    await ctx.sql(
      "UPDATE accounts SET password_hash = NULL WHERE user_id = (SELECT user_id FROM passkeys WHERE id = $1)",
      [passkeyId],
    );
    const last = await client.request(`/auth/passkeys/${passkeyId}`, { method: "DELETE" });
    expect([last.status, ((await last.json()) as ErrorBody).error.code]).toEqual([409, "last_sign_in_method"]);
    await ctx.sql(
      "UPDATE accounts SET password_hash = 'x' WHERE user_id = (SELECT user_id FROM passkeys WHERE id = $1)",
      [passkeyId],
    );
    expect((await client.request(`/auth/passkeys/${passkeyId}`, { method: "DELETE" })).status).toBe(204);
    expect(((await (await client.request("/auth/passkeys")).json()) as { passkeys: unknown[] }).passkeys).toEqual([]);
  });

  it("slows down a client that keeps asking for sign-in options", async () => {
    const device = ctx.client();
    const ipHash = await hashClientIp(await deriveServerKeys(testEnv.AUTH_SECRET), device.ip);
    await ctx.sql(
      "INSERT INTO auth_counters (key, failures, window_started_at, updated_at) VALUES ($1, $2, now(), now())",
      [`webauthn-options:${ipHash}`, USERNAMELESS_OPTIONS_PER_CLIENT],
    );
    const before = await ctx.sql("SELECT 1 FROM webauthn_challenges");
    expect((await device.request("/auth/passkeys/login/options", { method: "POST" })).status).toBe(200);
    const throttled = await device.request("/auth/passkeys/login/options", { method: "POST" });
    expect([throttled.status, ((await throttled.json()) as ErrorBody).error.code]).toEqual([429, "too_many_attempts"]);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await ctx.sql("SELECT 1 FROM webauthn_challenges")).toHaveLength(before.length + 1);
    expect((await ctx.client().request("/auth/passkeys/login/options", { method: "POST" })).status).toBe(200);

    // A fixed hour: once it has passed since the first request, the count starts again, even for a
    // client that never went quiet (many users behind one address).
    await ctx.sql(
      "UPDATE auth_counters SET window_started_at = now() - interval '61 minutes', updated_at = now() WHERE key = $1",
      [`webauthn-options:${ipHash}`],
    );
    expect((await device.request("/auth/passkeys/login/options", { method: "POST" })).status).toBe(200);
    const [counter] = await ctx.sql<{ failures: number }>("SELECT failures FROM auth_counters WHERE key = $1", [
      `webauthn-options:${ipHash}`,
    ]);
    expect(counter?.failures).toBe(1);
  });

  it("answers malformed bodies with 400 and creates nothing", async () => {
    const client = await signUpBrowser(ctx);
    const before = await ctx.snapshot();
    for (const json of [
      {},
      { response: "x" },
      { response: { id: "a", rawId: "a", type: "nope", response: { clientDataJSON: "a" } } },
    ]) {
      const response = await client.request("/auth/passkeys/register", { json });
      expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });
});
