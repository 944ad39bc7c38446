// A passkey as the second step on the two-factor page: the options route (bound to the challenge
// cookie, same-origin only) and the assertion submitted as passkey_response.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, STRONG_PASSWORD, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import { createSoftwareAuthenticator } from "../../../test/helpers/authenticator.ts";
import { TestClient } from "../../../test/helpers/client.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { enrollTotp, errorOf, json, TEST_RP, twoStepUser } from "../../../test/helpers/second-factors.ts";
import { workerWith } from "../../../test/helpers/worker.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function atSecondStep(email: string): Promise<TestClient> {
  const device = ctx.client();
  const response = await submitForm(device, "/auth/sign-in", { email, password: STRONG_PASSWORD });
  expect(response.status).toBe(303);
  return device;
}

const challengeRows = async () =>
  (await ctx.sql<{ n: number }>("SELECT count(*)::int AS n FROM webauthn_challenges"))[0]?.n;

const optionsFor = async (device: TestClient) => {
  const response = await device.request("/auth/two-factor/passkey/options", { json: {} });
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return (await json<{ options: object }>(response)).options;
};

describe("a passkey on /auth/two-factor", () => {
  it("signs in with the user's passkey through the options route and the form", async () => {
    const { email, authenticator } = await twoStepUser(ctx);
    const device = await atSecondStep(email);
    const options = await optionsFor(device);
    expect((options as { allowCredentials: Array<{ id: string }> }).allowCredentials.map((c) => c.id)).toEqual([
      authenticator.credentialId(),
    ]);
    const assertion = await authenticator.authenticate(options as never);
    const response = await submitForm(device, "/auth/two-factor", {
      passkey_response: JSON.stringify(assertion),
      return_to: "/docs",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/docs");
    expect(device.cookies.has("__Host-portcullis_mfa")).toBe(false);
    const session = await json<{ session: { amr: string[] } }>(await device.request("/auth/session"));
    expect(session.session.amr).toEqual(["pwd", "hwk", "user", "mfa"]);
  });

  it("answers a passkey_response that is not JSON, or not a credential, with 400 and writes nothing", async () => {
    const { email } = await twoStepUser(ctx);
    const device = await atSecondStep(email);
    const before = await ctx.snapshot();
    for (const value of ["{not json", "", "[]", JSON.stringify({ id: "a", type: "public-key" })]) {
      const page = await readPage(await submitForm(device, "/auth/two-factor", { passkey_response: value }));
      expect(page.status).toBe(400);
      expect(page.summary).toEqual(["That passkey could not be used. Try again or enter a code."]);
    }
    expect(await ctx.snapshot()).toEqual(before);
    expect(device.cookies.has("__Host-portcullis_at")).toBe(false);
  });

  it("refuses an assertion made for other options (401) and starts no session", async () => {
    const { email, authenticator } = await twoStepUser(ctx);
    const device = await atSecondStep(email);
    const options = await optionsFor(device);
    const forged = await authenticator.authenticate(options as never, { challenge: "AAAAAAAAAAAAAAAAAAAAAA" });
    const page = await readPage(
      await submitForm(device, "/auth/two-factor", { passkey_response: JSON.stringify(forged) }),
    );
    expect(page.status).toBe(401);
    expect(page.summary).toEqual(["That passkey could not be used. Try again or enter a code."]);
    expect(device.cookies.has("__Host-portcullis_at")).toBe(false);
  });

  it("gives options only for a live challenge cookie, as JSON errors", async () => {
    const response = await ctx.client().request("/auth/two-factor/passkey/options", { json: {} });
    expect(await errorOf(response)).toEqual([401, "invalid_challenge"]);
  });

  it("refuses cross-site requests for options (403) without storing a challenge", async () => {
    const { email } = await twoStepUser(ctx);
    const device = await atSecondStep(email);
    const before = await challengeRows();
    const response = await device.request("/auth/two-factor/passkey/options", {
      json: {},
      origin: "https://evil.example",
    });
    expect(await errorOf(response)).toEqual([403, "csrf_rejected"]);
    expect(await challengeRows()).toBe(before);
  });
});

describe("WEBAUTHN_USER_VERIFICATION=preferred", () => {
  it("a key without user verification is refused alone on the sign-in page and accepted here after the password", async () => {
    const lenient = workerWith({ DATABASE_URL: ctx.databaseUrl, WEBAUTHN_USER_VERIFICATION: "preferred" });
    const email = uniqueEmail("security-key-page");
    const owner = new TestClient(lenient);
    expect((await owner.request("/auth/signup", { json: { email, password: STRONG_PASSWORD } })).status).toBe(201);
    await enrollTotp(owner);
    const authenticator = createSoftwareAuthenticator(TEST_RP);
    const creation = await json<object>(await owner.request("/auth/passkeys/register/options", { method: "POST" }));
    const registration = await authenticator.register(creation as never, { userVerified: false });
    expect((await owner.request("/auth/passkeys/register", { json: { response: registration } })).status).toBe(201);

    const device = new TestClient(lenient);
    const signInOptions = await json<{ options: object }>(
      await device.request("/auth/sign-in/passkey/options", { json: {} }),
    );
    const alone = await authenticator.authenticate(signInOptions.options as never, { userVerified: false });
    const refused = await submitForm(device, "/auth/sign-in/passkey", { passkey_response: JSON.stringify(alone) });
    expect(refused.status).toBe(401);
    expect(device.cookies.has("__Host-portcullis_at")).toBe(false);

    expect((await submitForm(device, "/auth/sign-in", { email, password: STRONG_PASSWORD })).status).toBe(303);
    const { options } = await json<{ options: object }>(
      await device.request("/auth/two-factor/passkey/options", { json: {} }),
    );
    const second = await authenticator.authenticate(options as never, { userVerified: false });
    const response = await submitForm(device, "/auth/two-factor", { passkey_response: JSON.stringify(second) });
    expect(response.status).toBe(303);
    const session = await json<{ session: { amr: string[] } }>(await device.request("/auth/session"));
    expect(session.session.amr).toEqual(["pwd", "hwk", "mfa"]);
  });
});
