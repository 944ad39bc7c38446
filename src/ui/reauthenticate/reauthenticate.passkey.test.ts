// Step-up with a passkey on /auth/reauthenticate: the session's own passkeys through the page's options
// route (same-origin only), the assertion posted as passkey_response.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { errorOf, json, registerPasskey } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie, claimsOf } from "../../../test/helpers/tokens.ts";

const ACTION = "/auth/reauthenticate/confirm";
const OPTIONS = "/auth/reauthenticate/confirm/passkey/options";
let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const recent = (client: TestClient) =>
  Date.now() / 1000 - Number(claimsOf(client.cookies.get("__Host-portcullis_at") ?? "").auth_time) < 60;

const challengeRows = async () =>
  (await ctx.sql<{ n: number }>("SELECT count(*)::int AS n FROM webauthn_challenges"))[0]?.n;

async function staleWithPasskey() {
  const client = await signUpBrowser(ctx);
  const { authenticator } = await registerPasskey(client);
  await ageAccessCookie(client, ["pwd"]);
  return { client, authenticator };
}

describe("a passkey on /auth/reauthenticate", () => {
  it("is offered beside the password and proves a recent multi-factor sign-in", async () => {
    const { client, authenticator } = await staleWithPasskey();
    const page = await readPage(await client.request("/auth/reauthenticate?return_to=%2Fdocs"));
    const form = page.forms.find((f) => "data-passkey-assert" in f.attributes)?.attributes;
    expect(form).toMatchObject({ action: ACTION, "data-options-url": OPTIONS, hidden: "" });
    const answer = await client.request(OPTIONS, { json: {} });
    expect(answer.status).toBe(200);
    const { options } = await json<{ options: { allowCredentials: Array<{ id: string }> } }>(answer);
    expect(options.allowCredentials.map((c) => c.id)).toEqual([authenticator.credentialId()]);
    const assertion = await authenticator.authenticate(options as never);
    const response = await submitForm(client, ACTION, {
      passkey_response: JSON.stringify(assertion),
      return_to: "/docs",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/docs");
    expect(recent(client)).toBe(true);
    const session = await json<{ session: { amr: string[] } }>(await client.request("/auth/session"));
    expect(session.session.amr).toContain("mfa");
  });

  it("answers garbage in passkey_response with 400 and writes nothing", async () => {
    const { client } = await staleWithPasskey();
    const before = await ctx.snapshot();
    for (const value of ["{not json", "", "42"]) {
      const page = await readPage(await submitForm(client, ACTION, { passkey_response: value }));
      expect(page.status).toBe(400);
      expect(page.summary).toEqual(["That passkey could not be used. Try again or use another method."]);
    }
    expect(await ctx.snapshot()).toEqual(before);
    expect(recent(client)).toBe(false);
  });

  it("refuses an assertion for other options with 401", async () => {
    const { client, authenticator } = await staleWithPasskey();
    const { options } = await json<{ options: object }>(await client.request(OPTIONS, { json: {} }));
    const forged = await authenticator.authenticate(options as never, { challenge: "AAAAAAAAAAAAAAAAAAAAAA" });
    const page = await readPage(await submitForm(client, ACTION, { passkey_response: JSON.stringify(forged) }));
    expect(page.status).toBe(401);
    expect(recent(client)).toBe(false);
  });

  it("is not offered, and has no options, for an account without a passkey", async () => {
    const client = await signUpBrowser(ctx);
    const page = await readPage(await client.request("/auth/reauthenticate"));
    expect(page.forms.some((f) => "data-passkey-assert" in f.attributes)).toBe(false);
    expect(await errorOf(await client.request(OPTIONS, { json: {} }))).toEqual([409, "no_passkey"]);
  });

  it("passes on the cookies an edge refresh rotated when it then refuses (JSON), once each", async () => {
    const client = await signUpBrowser(ctx);
    const oldRefresh = client.cookies.get("__Host-portcullis_rt");
    client.cookies.delete("__Host-portcullis_at");
    const refused = await client.request(OPTIONS, { json: {} });
    expect(await errorOf(refused.clone())).toEqual([409, "no_passkey"]);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    const names = (refused.headers as unknown as { getSetCookie(): string[] })
      .getSetCookie()
      .map((cookie) => cookie.slice(0, cookie.indexOf("=")));
    expect(names.sort()).toEqual(["__Host-portcullis_at", "__Host-portcullis_rt"]);
    expect(client.cookies.get("__Host-portcullis_rt")).not.toBe(oldRefresh);
    // The new refresh cookie is the one in use: the next refresh is no reuse.
    client.cookies.delete("__Host-portcullis_at");
    expect((await client.request("/auth/reauthenticate")).status).toBe(200);
    expect(await ctx.sql("SELECT 1 FROM sessions WHERE revoke_reason = 'refresh_token_reused'")).toEqual([]);
  });

  it("gives options only to a signed-in, same-origin request", async () => {
    const { client } = await staleWithPasskey();
    const before = await challengeRows();
    expect(await errorOf(await ctx.client().request(OPTIONS, { json: {} }))).toEqual([401, "unauthenticated"]);
    const crossSite = await client.request(OPTIONS, { json: {}, origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain("csrf_rejected");
    expect(await challengeRows()).toBe(before);
  });
});
