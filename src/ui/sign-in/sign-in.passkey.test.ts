// Signing in with a passkey on the sign-in page: a usernameless assertion (with autofill) posted as a
// form, the same rules as POST /auth/passkeys/login.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { errorOf, json, registerPasskey } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const challengeRows = async () =>
  (await ctx.sql<{ n: number }>("SELECT count(*)::int AS n FROM webauthn_challenges"))[0]?.n;

async function optionsFor(device: TestClient) {
  const response = await device.request("/auth/sign-in/passkey/options", { json: {} });
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return (await json<{ options: { allowCredentials?: unknown[]; userVerification: string } }>(response)).options;
}

describe("the passkey form on /auth/sign-in", () => {
  it("is a hidden assertion form with autofill, its options route and return_to", async () => {
    const page = await readPage(await ctx.client().request("/auth/sign-in?return_to=%2Fdocs"));
    const form = page.forms.find((f) => "data-passkey-assert" in f.attributes)?.attributes;
    expect(form).toMatchObject({
      method: "post",
      action: "/auth/sign-in/passkey",
      "data-options-url": "/auth/sign-in/passkey/options",
      "data-passkey-autofill": "",
      hidden: "",
    });
    expect(inputNamed(page, "passkey_response")?.attributes.type).toBe("hidden");
    expect(page.buttons.find((b) => "data-passkey-start" in b.attributes)?.text.trim()).toBe("Sign in with a passkey");
    expect(page.html).toMatch(/<p class="passkey-error" role="alert" data-passkey-error="" hidden="">/);
    expect(page.inlineHandlers).toEqual([]);
  });

  it("signs in usernameless: options for any discoverable credential with user verification, then 303", async () => {
    const { authenticator } = await registerPasskey(await signUpBrowser(ctx));
    const device = ctx.client();
    const options = await optionsFor(device);
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe("required");
    const assertion = await authenticator.authenticate(options as never);
    const response = await submitForm(device, "/auth/sign-in/passkey", {
      passkey_response: JSON.stringify(assertion),
      return_to: "/docs",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/docs");
    const session = await json<{ session: { amr: string[] } }>(await device.request("/auth/session"));
    expect(session.session.amr).toEqual(["hwk", "user", "mfa"]);
  });

  it("never follows an unsafe return_to", async () => {
    const { authenticator } = await registerPasskey(await signUpBrowser(ctx));
    const device = ctx.client();
    const assertion = await authenticator.authenticate((await optionsFor(device)) as never);
    const response = await submitForm(device, "/auth/sign-in/passkey", {
      passkey_response: JSON.stringify(assertion),
      return_to: "//evil.example",
    });
    expect(response.headers.get("location")).toBe("/");
  });

  it("refuses a passkey used without user verification (it would be the only proof)", async () => {
    const { authenticator } = await registerPasskey(await signUpBrowser(ctx));
    const device = ctx.client();
    const assertion = await authenticator.authenticate((await optionsFor(device)) as never, { userVerified: false });
    const page = await readPage(
      await submitForm(device, "/auth/sign-in/passkey", { passkey_response: JSON.stringify(assertion) }),
    );
    expect(page.status).toBe(401);
    expect(page.summary).toEqual(["That passkey could not be used. Try again or sign in with your password."]);
    expect(device.cookies.has("__Host-portcullis_at")).toBe(false);
  });

  it("answers garbage in passkey_response with 400 and writes nothing", async () => {
    const before = await ctx.snapshot();
    for (const value of ["{not json", "", "null", JSON.stringify({ id: "x" })]) {
      const page = await readPage(await submitForm(ctx.client(), "/auth/sign-in/passkey", { passkey_response: value }));
      expect(page.status).toBe(400);
      expect(page.summary).toEqual(["That passkey could not be used. Try again or sign in with your password."]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("refuses cross-site posts of the form (login CSRF) and of the options request", async () => {
    const { authenticator } = await registerPasskey(await signUpBrowser(ctx));
    const device = ctx.client();
    const assertion = await authenticator.authenticate((await optionsFor(device)) as never);
    const before = await ctx.snapshot();
    const challenges = await challengeRows();
    const form = await submitForm(
      device,
      "/auth/sign-in/passkey",
      { passkey_response: JSON.stringify(assertion) },
      { origin: "https://evil.example" },
    );
    expect(form.status).toBe(403);
    expect(await readPage(form).then((page) => page.html)).toContain('data-error-code="csrf_rejected"');
    const options = await device.request("/auth/sign-in/passkey/options", { json: {}, origin: "https://evil.example" });
    expect(await errorOf(options)).toEqual([403, "csrf_rejected"]);
    const bare = await device.request("/auth/sign-in/passkey/options", { json: {}, origin: null });
    expect(bare.status).toBe(403);
    expect(await ctx.snapshot()).toEqual(before);
    expect(await challengeRows()).toBe(challenges);
    expect(device.cookies.has("__Host-portcullis_at")).toBe(false);
  });
});
