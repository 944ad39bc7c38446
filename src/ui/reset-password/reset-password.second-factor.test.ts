// The reset-password page for an account with two-step sign-in: the link alone is not enough; a TOTP
// code, a recovery code or a passkey confirms it; wrong factors are shown next to the field, and the
// fifth wrong one kills the link.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { SoftwareAuthenticator } from "../../../test/helpers/authenticator.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import { codeAt, enrollTotp, registerPasskey } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const NEW_PASSWORD = "a brand new passphrase 9";
const INVALID = "This link is no longer valid";

type TwoStep = {
  email: string;
  token: string;
  secret: Uint8Array;
  recoveryCodes: string[];
  authenticator: SoftwareAuthenticator;
};

async function twoStepResetLink(): Promise<TwoStep> {
  const email = uniqueEmail("reset-2fa");
  const client = await signUpBrowser(ctx, email);
  const { secret, recoveryCodes } = await enrollTotp(client);
  const { authenticator } = await registerPasskey(client);
  await submitForm(ctx.client(), "/auth/forgot-password", { email });
  const mail = (await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset");
  return { email, token: tokenIn(mail?.text ?? null), secret, recoveryCodes, authenticator };
}

const passwordHashOf = async (email: string) =>
  (
    await ctx.sql<{ password_hash: string }>(
      "SELECT a.password_hash FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1",
      [email],
    )
  )[0]?.password_hash;
const signsInWith = async (email: string, password: string) =>
  (await ctx.client().request("/auth/login", { json: { email, password } })).status;
const wrongCode = (right: string) => (right === "000000" ? "111111" : "000000");

describe("GET /auth/reset-password with two-step sign-in", () => {
  it("asks for the authenticator code and offers a recovery code and a passkey (script contract)", async () => {
    const { token } = await twoStepResetLink();
    const page = await readPage(await ctx.client().request(`/auth/reset-password?token=${token}`));
    expect(page.status).toBe(200);
    expect(page.text).toContain("Your account has two-step sign-in");
    expect(inputNamed(page, "totp")?.attributes).toMatchObject({ autocomplete: "one-time-code", inputmode: "numeric" });
    // HTMLRewriter hands attribute values over as written (entities not decoded).
    expect(page.links.map((link) => link.attributes.href?.replaceAll("&amp;", "&"))).toContain(
      `/auth/reset-password?token=${token}&method=recovery_code`,
    );
    const passkey = page.forms.find((form) => "data-passkey-assert" in form.attributes)?.attributes;
    expect(passkey).toMatchObject({
      method: "post",
      action: "/auth/reset-password",
      "data-options-url": "/auth/reset-password/passkey-options",
      hidden: "",
    });
    expect(JSON.parse(passkey?.["data-options-body"]?.replaceAll("&quot;", '"') ?? "")).toEqual({ token });
    expect(page.inputs.filter((input) => input.attributes.name === "passkey_response")).toHaveLength(1);
    expect(page.buttons.find((button) => "data-passkey-start" in button.attributes)?.attributes.type).toBe("button");
    expect(page.scripts).toHaveLength(1);
    expect(page.inlineHandlers).toEqual([]);
    const recovery = await readPage(
      await ctx.client().request(`/auth/reset-password?token=${token}&method=recovery_code`),
    );
    expect(inputNamed(recovery, "recovery_code")?.attributes.autocomplete).toBe("one-time-code");
    expect(inputNamed(recovery, "totp")).toBeUndefined();
  });
});

describe("POST /auth/reset-password with two-step sign-in", () => {
  it("refuses the link alone and a wrong code next to the field; the right code resets", async () => {
    const { email, token, secret } = await twoStepResetLink();
    const hash = await passwordHashOf(email);
    const missing = await readPage(
      await submitForm(ctx.client(), "/auth/reset-password", { token, password: NEW_PASSWORD, method: "totp" }),
    );
    expect([missing.status, missing.fieldErrors]).toEqual([
      400,
      { totp: "Enter the 6 digits your authenticator app shows." },
    ]);
    const wrong = await readPage(
      await submitForm(ctx.client(), "/auth/reset-password", {
        token,
        password: NEW_PASSWORD,
        method: "totp",
        totp: wrongCode(codeAt(secret)),
      }),
    );
    expect([wrong.status, wrong.fieldErrors]).toEqual([
      400,
      { totp: "That code is wrong. Enter the code your authenticator app shows now." },
    ]);
    expect(inputNamed(wrong, "totp")?.attributes.value).toBeUndefined();
    expect(await passwordHashOf(email)).toBe(hash);
    const done = await submitForm(ctx.client(), "/auth/reset-password", {
      token,
      password: NEW_PASSWORD,
      method: "totp",
      totp: codeAt(secret),
    });
    expect([done.status, done.headers.get("location")]).toEqual([303, "/auth/reset-password?done=1"]);
    expect(await signsInWith(email, NEW_PASSWORD)).toBe(200);
  });

  it("takes a recovery code instead, and says a wrong one next to its field", async () => {
    const { email, token, recoveryCodes } = await twoStepResetLink();
    const wrong = await readPage(
      await submitForm(ctx.client(), "/auth/reset-password", {
        token,
        password: NEW_PASSWORD,
        method: "recovery_code",
        recovery_code: "AAAAA-AAAAA",
      }),
    );
    expect([wrong.status, wrong.fieldErrors]).toEqual([
      400,
      { recovery_code: "That recovery code is wrong or was already used." },
    ]);
    expect(await signsInWith(email, STRONG_PASSWORD)).not.toBe(401);
    const done = await submitForm(ctx.client(), "/auth/reset-password", {
      token,
      password: NEW_PASSWORD,
      method: "recovery_code",
      recovery_code: recoveryCodes[0] ?? "",
    });
    expect(done.status).toBe(303);
    expect(await signsInWith(email, NEW_PASSWORD)).not.toBe(401);
  });

  it("takes a passkey through the options URL and the form's passkey_response", async () => {
    const { email, token, authenticator } = await twoStepResetLink();
    const browser = ctx.client();
    const optionsResponse = await browser.request("/auth/reset-password/passkey-options", { json: { token } });
    expect(optionsResponse.status).toBe(200);
    const { options } = (await optionsResponse.json()) as { options: never };
    const passkey = await authenticator.authenticate(options);
    const done = await submitForm(browser, "/auth/reset-password", {
      token,
      password: NEW_PASSWORD,
      passkey_response: JSON.stringify(passkey),
    });
    expect([done.status, done.headers.get("location")]).toEqual([303, "/auth/reset-password?done=1"]);
    expect(await signsInWith(email, NEW_PASSWORD)).not.toBe(401);
    const spent = await browser.request("/auth/reset-password/passkey-options", { json: { token } });
    expect(spent.status).toBe(400);
  });

  it("refuses a garbled passkey response above the form and changes nothing", async () => {
    const { email, token } = await twoStepResetLink();
    const before = { ...(await ctx.snapshot()), hash: await passwordHashOf(email) };
    const page = await readPage(
      await submitForm(ctx.client(), "/auth/reset-password", {
        token,
        password: NEW_PASSWORD,
        passkey_response: "{not json",
      }),
    );
    expect([page.status, page.summary]).toEqual([400, ["That passkey could not be used. Try again, or use a code."]]);
    expect({ ...(await ctx.snapshot()), hash: await passwordHashOf(email) }).toEqual(before);
  });

  it("kills the link at the fifth wrong code: the page says it is no longer valid, even for the right code", async () => {
    const { email, token, secret } = await twoStepResetLink();
    const hash = await passwordHashOf(email);
    const attempt = (totp: string) =>
      submitForm(ctx.client(), "/auth/reset-password", { token, password: NEW_PASSWORD, method: "totp", totp });
    for (let i = 0; i < 4; i++) {
      const page = await readPage(await attempt(wrongCode(codeAt(secret))));
      expect([page.status, Object.keys(page.fieldErrors)]).toEqual([400, ["totp"]]);
    }
    const fifth = await readPage(await attempt(wrongCode(codeAt(secret))));
    expect([fifth.status, fifth.h1]).toEqual([400, INVALID]);
    const right = await readPage(await attempt(codeAt(secret)));
    expect([right.status, right.h1]).toEqual([400, INVALID]);
    expect((await readPage(await ctx.client().request(`/auth/reset-password?token=${token}`))).h1).toBe(INVALID);
    expect(await passwordHashOf(email)).toBe(hash);
  });
});
