// The second step of a sign-in as a page: the challenge cookie from the password step, a TOTP code, a
// recovery code or a passkey, the same rules as POST /auth/mfa/verify.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { outboxFor } from "../../../test/helpers/outbox.ts";
import { codeAt, enrollTotp, json, twoStepUser } from "../../../test/helpers/second-factors.ts";

const MFA_COOKIE = "__Host-portcullis_mfa";
let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

/** A fresh device past the password step of `email`, on its way to /auth/two-factor. */
async function atSecondStep(email: string, returnTo = "/docs"): Promise<TestClient> {
  const device = ctx.client();
  const response = await submitForm(device, "/auth/sign-in", { email, password: STRONG_PASSWORD, return_to: returnTo });
  expect(response.status).toBe(303);
  expect(response.headers.get("location")).toBe(`/auth/two-factor?return_to=${encodeURIComponent(returnTo)}`);
  expect(device.cookies.has(MFA_COOKIE)).toBe(true);
  return device;
}

async function totpUser() {
  const email = uniqueEmail("2fa-page");
  const { secret, recoveryCodes } = await enrollTotp(await signUpBrowser(ctx, email));
  return { email, secret, recoveryCodes };
}

const sessionsOf = async (email: string) =>
  (
    await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.revoked_at IS NULL",
      [email],
    )
  )[0]?.n;

const amrOf = async (device: TestClient) =>
  (await json<{ session: { amr: string[] } }>(await device.request("/auth/session"))).session.amr;

describe("GET /auth/two-factor", () => {
  it("offers the user's methods: a numeric one-time code, a recovery code and a hidden passkey form", async () => {
    const { email } = await twoStepUser(ctx);
    const device = await atSecondStep(email);
    const page = await readPage(await device.request("/auth/two-factor?return_to=%2Fdocs"));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Enter your sign-in code");
    expect(inputNamed(page, "code")?.attributes).toMatchObject({ autocomplete: "one-time-code", inputmode: "numeric" });
    expect(inputNamed(page, "recovery_code")?.attributes.autocomplete).toBe("off");
    const passkey = page.forms.find((form) => "data-passkey-assert" in form.attributes)?.attributes;
    expect(passkey).toMatchObject({
      action: "/auth/two-factor",
      "data-options-url": "/auth/two-factor/passkey/options",
      hidden: "",
    });
    expect(page.inputs.filter((input) => input.attributes.name === "return_to").map((i) => i.attributes.value)).toEqual(
      ["/docs", "/docs", "/docs"],
    );
    expect(page.scripts).toHaveLength(1);
    expect(page.inlineHandlers).toEqual([]);
  });

  it("without a passkey or recovery codes left, offers only the code", async () => {
    const { email, recoveryCodes } = await totpUser();
    await ctx.sql("UPDATE recovery_codes SET used_at = now() WHERE user_id = (SELECT id FROM users WHERE email = $1)", [
      email,
    ]);
    expect(recoveryCodes.length).toBeGreaterThan(0);
    const page = await readPage(await (await atSecondStep(email)).request("/auth/two-factor"));
    expect(inputNamed(page, "code")).toBeDefined();
    expect(inputNamed(page, "recovery_code")).toBeUndefined();
    expect(page.forms.some((form) => "data-passkey-assert" in form.attributes)).toBe(false);
  });

  it("sends a browser without the cookie back to sign-in with a plain message", async () => {
    const response = await ctx.client().request("/auth/two-factor?return_to=%2Fdocs");
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    expect(location).toBe("/auth/sign-in?two_factor=expired&return_to=%2Fdocs");
    const signIn = await readPage(await ctx.client().request(location));
    expect(signIn.summary).toEqual(["Your sign-in took too long or was already finished. Sign in again."]);
    expect(inputNamed(signIn, "return_to")?.attributes.value).toBe("/docs");
  });

  it("sends an expired challenge back to sign-in and clears its cookie", async () => {
    const { email } = await totpUser();
    const device = await atSecondStep(email);
    await ctx.sql(
      "UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [email],
    );
    const response = await device.request("/auth/two-factor?return_to=%2Fdocs");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/sign-in?two_factor=expired&return_to=%2Fdocs");
    expect(device.cookies.has(MFA_COOKIE)).toBe(false);
  });
});

describe("POST /auth/two-factor with a code", () => {
  it("signs in with the TOTP code: session cookies, challenge cookie cleared, 303 to return_to", async () => {
    const { email, secret } = await totpUser();
    const device = await atSecondStep(email);
    const response = await submitForm(device, "/auth/two-factor", { code: codeAt(secret), return_to: "/docs" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/docs");
    expect(device.cookies.has("__Host-portcullis_at")).toBe(true);
    expect(device.cookies.has("__Host-portcullis_rt")).toBe(true);
    expect(device.cookies.has(MFA_COOKIE)).toBe(false);
    expect(await amrOf(device)).toEqual(["pwd", "otp", "mfa"]);
    // The challenge is spent: going back to the page starts over.
    expect((await device.request("/auth/two-factor")).headers.get("location")).toContain("two_factor=expired");
  });

  it("accepts a code pasted with a space in the middle", async () => {
    const { email, secret } = await totpUser();
    const device = await atSecondStep(email);
    const code = codeAt(secret);
    const response = await submitForm(device, "/auth/two-factor", { code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
  });

  it("shows a wrong code next to its field (401), starts no session and lets the user try again", async () => {
    const { email, secret } = await totpUser();
    const device = await atSecondStep(email);
    const sessionsBefore = await sessionsOf(email);
    const page = await readPage(await submitForm(device, "/auth/two-factor", { code: codeAt(secret, 5) }));
    expect(page.status).toBe(401);
    expect(page.fieldErrors).toEqual({
      code: "That code is wrong or has expired. Enter the code your app shows now.",
    });
    expect(page.html).not.toContain(codeAt(secret, 5));
    expect(await sessionsOf(email)).toBe(sessionsBefore);
    expect(device.cookies.has("__Host-portcullis_at")).toBe(false);
    const right = await submitForm(device, "/auth/two-factor", { code: codeAt(secret) });
    expect(right.status).toBe(303);
  });

  it("refuses a TOTP code that was already used (replay)", async () => {
    const { email, secret } = await totpUser();
    const code = codeAt(secret);
    expect((await submitForm(await atSecondStep(email), "/auth/two-factor", { code })).status).toBe(303);
    const sessionsBefore = await sessionsOf(email);
    const page = await readPage(await submitForm(await atSecondStep(email), "/auth/two-factor", { code }));
    expect(page.status).toBe(401);
    expect(page.fieldErrors.code).toContain("wrong or has expired");
    expect(await sessionsOf(email)).toBe(sessionsBefore);
  });

  it("answers empty and malformed codes with 400 field errors and writes nothing", async () => {
    const { email } = await totpUser();
    const device = await atSecondStep(email);
    const before = await ctx.snapshot();
    const cases: Array<[Record<string, string>, Record<string, string>]> = [
      [{ code: "" }, { code: "Enter the 6-digit code from your authenticator app." }],
      [{ code: "12a456" }, { code: "Enter the code as 6 digits, like 123456." }],
      [{ code: "1234567" }, { code: "Enter the code as 6 digits, like 123456." }],
      [{ recovery_code: "" }, { recovery_code: "Enter a recovery code." }],
      [
        { recovery_code: "not a code" },
        { recovery_code: "Enter the recovery code as 10 letters and digits, like ABCDE-FGHIJ." },
      ],
    ];
    for (const [fields, errors] of cases) {
      const page = await readPage(await submitForm(device, "/auth/two-factor", fields));
      expect(page.status).toBe(400);
      expect(page.fieldErrors).toEqual(errors);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("refuses an expired challenge at POST: back to sign-in, no session, nothing written", async () => {
    const { email, secret } = await totpUser();
    const device = await atSecondStep(email);
    await ctx.sql(
      "UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [email],
    );
    const before = await ctx.snapshot();
    const response = await submitForm(device, "/auth/two-factor", { code: codeAt(secret), return_to: "/docs" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/sign-in?two_factor=expired&return_to=%2Fdocs");
    expect(device.cookies.has("__Host-portcullis_at")).toBe(false);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("sends a POST without the cookie back to sign-in", async () => {
    const before = await ctx.snapshot();
    const response = await submitForm(ctx.client(), "/auth/two-factor", { code: "123456" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/sign-in?two_factor=expired");
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("throttles repeated wrong codes with 429, the wait time and Retry-After", async () => {
    const { email, secret } = await totpUser();
    const device = await atSecondStep(email);
    let last = await submitForm(device, "/auth/two-factor", { code: codeAt(secret, 5) });
    for (let attempt = 0; attempt < 10 && last.status === 401; attempt++) {
      last = await submitForm(device, "/auth/two-factor", { code: codeAt(secret, 5) });
    }
    const page = await readPage(last);
    expect(page.status).toBe(429);
    expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(page.summary[0]).toMatch(/^Too many attempts\. Wait \d+ (seconds|minutes) and try again\.$/);
  });

  it("refuses a cross-site post with the 403 page and writes nothing", async () => {
    const { email, secret } = await totpUser();
    const device = await atSecondStep(email);
    const before = await ctx.snapshot();
    const response = await submitForm(
      device,
      "/auth/two-factor",
      { code: codeAt(secret) },
      { origin: "https://evil.example" },
    );
    const page = await readPage(response);
    expect(page.status).toBe(403);
    expect(page.html).toContain('data-error-code="csrf_rejected"');
    expect(device.cookies.has("__Host-portcullis_at")).toBe(false);
    expect(await ctx.snapshot()).toEqual(before);
  });
});

describe("the new-device notice", () => {
  it("is mailed after a two-step sign-in from a new user agent, on the page as on POST /auth/mfa/verify", async () => {
    const { email, secret, recoveryCodes } = await totpUser();
    const device = await atSecondStep(email);
    const page = await submitForm(
      device,
      "/auth/two-factor",
      { code: codeAt(secret) },
      { headers: { "user-agent": "NewPhone/3.0" } },
    );
    expect(page.status).toBe(303);
    const api = ctx.client();
    const step = await json<{ challenge: string }>(
      await api.request("/auth/login", { json: { email, password: STRONG_PASSWORD } }),
    );
    const verified = await api.request("/auth/mfa/verify", {
      json: { challenge: step.challenge, recoveryCode: recoveryCodes[0] },
      headers: { "user-agent": "Tablet/1.0" },
    });
    expect(verified.status).toBe(200);
    // A known agent again: no notice.
    const again = await atSecondStep(email);
    const known = await submitForm(
      again,
      "/auth/two-factor",
      { recovery_code: recoveryCodes[1] ?? "" },
      { headers: { "user-agent": "NewPhone/3.0" } },
    );
    expect(known.status).toBe(303);
    const notices = (await outboxFor(ctx.worker, email)).filter((m) => m.template === "new_sign_in_notice");
    expect(notices.map((m) => /\(([^)]+)\)/.exec(m.text ?? "")?.[1]).sort()).toEqual(["NewPhone/3.0", "Tablet/1.0"]);
  });
});

describe("POST /auth/two-factor with a recovery code", () => {
  it("signs in once with a recovery code; the same code is refused the next time", async () => {
    const { email, recoveryCodes } = await totpUser();
    const code = recoveryCodes[0] ?? "";
    const first = await submitForm(await atSecondStep(email), "/auth/two-factor", { recovery_code: code });
    expect(first.status).toBe(303);
    const sessionsBefore = await sessionsOf(email);
    const page = await readPage(
      await submitForm(await atSecondStep(email), "/auth/two-factor", { recovery_code: code }),
    );
    expect(page.status).toBe(401);
    expect(page.fieldErrors).toEqual({ recovery_code: "That recovery code is wrong or was already used." });
    expect(await sessionsOf(email)).toBe(sessionsBefore);
  });
});
