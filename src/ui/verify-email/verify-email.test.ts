// The verify-email page: by code (the check-your-inbox page after sign-up), by link (GET shows, POST
// consumes), the resend button's one answer for every address, and CSRF refusals.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, STRONG_PASSWORD, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeIn, outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";

let strict: AuthTestContext;
beforeAll(async () => {
  strict = await setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" });
});

const verifiedOf = async (email: string) =>
  (
    await strict.sql<{ v: boolean }>("SELECT email_verified_at IS NOT NULL AS v FROM users WHERE email = $1", [email])
  )[0]?.v;
const openCodes = async (email: string) =>
  (
    await strict.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM verification_codes v JOIN users u ON u.id = v.user_id WHERE u.email = $1 AND v.consumed_at IS NULL",
      [email],
    )
  )[0]?.n;

/** Signs up through the page; returns the browser (holding the flow cookie) and what the mail says. */
async function signedUp(
  returnTo = "/docs",
): Promise<{ client: TestClient; email: string; code: string; token: string }> {
  const email = uniqueEmail("verify");
  const client = strict.client();
  const response = await submitForm(client, "/auth/sign-up", { email, password: STRONG_PASSWORD, return_to: returnTo });
  expect(response.status).toBe(303);
  const text = (await outboxFor(strict.worker, email))[0]?.text ?? null;
  return { client, email, code: codeIn(text), token: tokenIn(text) };
}

describe("verifying by code", () => {
  it("shows check-your-inbox with the address, a one-time-code field and a resend button", async () => {
    const { client, email } = await signedUp();
    const page = await readPage(await client.request("/auth/verify-email?return_to=%2Fdocs"));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Check your inbox");
    expect(page.text).toContain(`We sent a message to ${email}.`);
    expect(inputNamed(page, "email")?.attributes.value).toBe(email);
    expect(inputNamed(page, "code")?.attributes).toMatchObject({ autocomplete: "one-time-code", inputmode: "numeric" });
    expect(inputNamed(page, "return_to")?.attributes.value).toBe("/docs");
    expect(page.buttons.map((button) => button.attributes.formaction)).toContain("/auth/verify-email/resend");
    expect(page.inlineHandlers).toEqual([]);
  });

  it("puts a wrong code next to the field and verifies nothing; the right one verifies, then sign-in", async () => {
    const { client, email, code } = await signedUp();
    const wrong = code === "000000" ? "111111" : "000000";
    const refused = await readPage(
      await submitForm(client, "/auth/verify-email", { email, code: wrong, return_to: "/docs" }),
    );
    expect(refused.status).toBe(400);
    expect(refused.fieldErrors).toEqual({
      code: "That code is wrong or has expired. Check the message, or ask for a new code.",
    });
    expect(inputNamed(refused, "code")?.attributes.value).toBeUndefined();
    expect(await verifiedOf(email)).toBe(false);
    const done = await submitForm(client, "/auth/verify-email", { email, code, return_to: "/docs" });
    expect([done.status, done.headers.get("location")]).toEqual([
      303,
      "/auth/verify-email?verified=1&return_to=%2Fdocs",
    ]);
    expect(await verifiedOf(email)).toBe(true);
    // Verifying signs nobody in (the service's rule): the next step is sign-in, then return_to.
    expect(client.cookies.has("__Host-portcullis_at")).toBe(false);
    const page = await readPage(await client.request(done.headers.get("location") ?? ""));
    expect(page.h1).toBe("Your address is verified");
    expect(page.links.map((link) => link.attributes.href)).toContain("/auth/sign-in?return_to=%2Fdocs");
    const signIn = await submitForm(client, "/auth/sign-in", { email, password: STRONG_PASSWORD, return_to: "/docs" });
    expect([signIn.status, signIn.headers.get("location")]).toEqual([303, "/docs"]);
  });

  it("answers a code for an unknown address as a wrong one, and a malformed code with its own message", async () => {
    const unknown = await readPage(
      await submitForm(strict.client(), "/auth/verify-email", { email: uniqueEmail("ghost"), code: "123456" }),
    );
    expect([unknown.status, unknown.fieldErrors.code]).toEqual([
      400,
      "That code is wrong or has expired. Check the message, or ask for a new code.",
    ]);
    const before = await strict.snapshot();
    const malformed = await readPage(
      await submitForm(strict.client(), "/auth/verify-email", { email: "x", code: "12" }),
    );
    expect(malformed.status).toBe(400);
    expect(malformed.fieldErrors).toEqual({
      email: "Enter an email address like name@example.com.",
      code: "Enter the 6 digits from the message we sent.",
    });
    expect(await strict.snapshot()).toEqual(before);
  });
});

describe("verifying by link", () => {
  it("GET shows only a confirmation button and leaves the token usable; POST consumes; a replay is expired", async () => {
    const { email, token } = await signedUp("/docs");
    const link = `/auth/verify-email?token=${token}&return_to=%2Fdocs`;
    for (let i = 0; i < 2; i++) {
      const page = await readPage(await strict.client().request(link));
      expect(page.status).toBe(200);
      expect(page.h1).toBe("Confirm your email address");
      expect(page.forms).toHaveLength(1);
      expect(page.forms[0]?.attributes).toMatchObject({ method: "post", action: "/auth/verify-email" });
      expect(inputNamed(page, "token")?.attributes).toMatchObject({ type: "hidden", value: token });
      expect(inputNamed(page, "return_to")?.attributes.value).toBe("/docs");
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    }
    expect([await openCodes(email), await verifiedOf(email)]).toEqual([1, false]);
    const browser = strict.client();
    const done = await submitForm(browser, "/auth/verify-email", { token, return_to: "/docs" });
    expect([done.status, done.headers.get("location")]).toEqual([
      303,
      "/auth/verify-email?verified=1&return_to=%2Fdocs",
    ]);
    expect([await openCodes(email), await verifiedOf(email)]).toEqual([0, true]);
    const replay = await readPage(await submitForm(browser, "/auth/verify-email", { token }));
    expect([replay.status, replay.h1]).toEqual([400, "This link has expired or was already used"]);
    const again = await readPage(await strict.client().request(link));
    expect([again.status, again.h1]).toEqual([400, "This link has expired or was already used"]);
    expect(again.forms.map((form) => form.attributes.action)).toEqual(["/auth/verify-email"]);
  });

  it("shows the expired page for an unknown or malformed token, changing nothing", async () => {
    const before = await strict.snapshot();
    for (const token of ["A".repeat(43), "short", ""]) {
      const shown = await readPage(await strict.client().request(`/auth/verify-email?token=${token}`));
      expect([shown.status, shown.h1]).toEqual([400, "This link has expired or was already used"]);
      const posted = await readPage(await submitForm(strict.client(), "/auth/verify-email", { token }));
      expect([posted.status, posted.h1]).toEqual([400, "This link has expired or was already used"]);
    }
    expect(await strict.snapshot()).toEqual(before);
  });
});

describe("asking for a new code", () => {
  it("answers an unverified, a verified and an unknown address alike, and mails only the unverified", async () => {
    const { email: unverified } = await signedUp();
    const { email: verified, code } = await signedUp();
    await submitForm(strict.client(), "/auth/verify-email", { email: verified, code });
    const unknown = uniqueEmail("nobody");
    const answers = [];
    for (const email of [unverified, verified, unknown]) {
      const client = strict.client();
      const response = await submitForm(client, "/auth/verify-email/resend", { email, code: "", return_to: "/docs" });
      const page = await readPage(await client.request(response.headers.get("location") ?? ""));
      answers.push({
        status: response.status,
        location: response.headers.get("location"),
        text: page.text.replace(email, "<email>"),
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ status: 303, location: "/auth/verify-email?resent=1&return_to=%2Fdocs" });
    expect(answers[0]?.text).toContain("If an account uses this address and it is not verified yet");
    expect(answers[0]?.text).not.toContain("We sent a message to");
    const templates = async (email: string) => (await outboxFor(strict.worker, email)).map((m) => m.template);
    expect(await templates(unverified)).toEqual(["email_verification", "email_verification"]);
    expect(await templates(verified)).toEqual(["email_verification"]);
    expect(await templates(unknown)).toEqual([]);
  });

  it("puts a malformed address next to the field and sends nothing", async () => {
    const before = await strict.snapshot();
    const page = await readPage(await submitForm(strict.client(), "/auth/verify-email/resend", { email: "nope" }));
    expect([page.status, page.fieldErrors]).toEqual([400, { email: "Enter an email address like name@example.com." }]);
    expect(await strict.snapshot()).toEqual(before);
  });
});

describe("CSRF", () => {
  it("refuses a cross-site post to every form with the 403 page and changes nothing", async () => {
    const { email, code, token } = await signedUp();
    const before = await strict.snapshot();
    for (const [path, fields] of [
      ["/auth/verify-email", { email, code }],
      ["/auth/verify-email", { token }],
      ["/auth/verify-email/resend", { email }],
    ] as const) {
      const page = await readPage(await submitForm(strict.client(), path, fields, { origin: "https://evil.example" }));
      expect(page.status).toBe(403);
      expect(page.html).toContain('data-error-code="csrf_rejected"');
    }
    expect(await strict.snapshot()).toEqual(before);
    expect([await verifiedOf(email), await openCodes(email)]).toEqual([false, 1]);
    expect(await outboxFor(strict.worker, email)).toHaveLength(1);
  });
});
