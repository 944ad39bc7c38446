// The sign-up page: the form and the policy's rules, refusals next to the field with nothing written,
// the same answer for a new and a taken address, and signing in straight away when verification is off.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";

let open: AuthTestContext;
let strict: AuthTestContext;
beforeAll(async () => {
  [open, strict] = await Promise.all([setUpAuthTest(), setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" })]);
});

const mails = (ctx: AuthTestContext) => ctx.sql<{ n: number }>("SELECT count(*)::int AS n FROM outbox_messages");

describe("GET /auth/sign-up", () => {
  it("shows name, email and a new password with the policy's rules, and keeps return_to", async () => {
    const page = await readPage(await open.client().request("/auth/sign-up?return_to=%2Fdocs"));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Create your Portcullis account");
    expect(inputNamed(page, "name")?.attributes).toMatchObject({ autocomplete: "name" });
    expect(inputNamed(page, "name")?.attributes.required).toBeUndefined();
    expect(inputNamed(page, "email")?.attributes).toMatchObject({ type: "email", autocomplete: "username" });
    expect(inputNamed(page, "password")?.attributes).toMatchObject({
      type: "password",
      autocomplete: "new-password",
      minlength: "12",
      "aria-describedby": "password-hint",
    });
    expect(page.text).toContain("At least 12 characters.");
    expect(page.text).toContain("Very common passwords are refused.");
    expect(inputNamed(page, "return_to")?.attributes.value).toBe("/docs");
    expect(page.forms[0]?.attributes).toMatchObject({ method: "post", action: "/auth/sign-up" });
    expect(page.links.map((link) => link.attributes.href)).toContain("/auth/sign-in?return_to=%2Fdocs");
    expect(page.inlineHandlers).toEqual([]);
  });

  it("sends a signed-in browser on to return_to", async () => {
    const client = await signUpBrowser(open);
    const response = await client.request("/auth/sign-up?return_to=%2Fhome");
    expect([response.status, response.headers.get("location")]).toEqual([302, "/home"]);
  });
});

describe("POST /auth/sign-up, refused", () => {
  it("says a too-short password next to the field, keeps name and email, and writes nothing", async () => {
    const before = { ...(await strict.snapshot()), mails: await mails(strict) };
    const email = uniqueEmail("short");
    const page = await readPage(
      await submitForm(strict.client(), "/auth/sign-up", { name: "Ada", email, password: "short pass" }),
    );
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual({ password: "Use at least 12 characters." });
    expect(page.summary).toEqual(["Use at least 12 characters."]);
    expect(inputNamed(page, "password")?.attributes).toMatchObject({
      "aria-invalid": "true",
      "aria-describedby": "password-hint password-error",
    });
    expect(inputNamed(page, "email")?.attributes.value).toBe(email);
    expect(inputNamed(page, "name")?.attributes.value).toBe("Ada");
    expect(page.html).not.toContain("short pass");
    expect({ ...(await strict.snapshot()), mails: await mails(strict) }).toEqual(before);
  });

  it("says plainly that a common password is too common, and writes nothing", async () => {
    const before = { ...(await strict.snapshot()), mails: await mails(strict) };
    const page = await readPage(
      await submitForm(strict.client(), "/auth/sign-up", { email: uniqueEmail(), password: "password1234" }),
    );
    expect(page.status).toBe(400);
    expect(page.fieldErrors.password).toBe(
      "This password is too common: it is on the lists attackers try first. Choose another.",
    );
    expect({ ...(await strict.snapshot()), mails: await mails(strict) }).toEqual(before);
  });

  it("puts missing and malformed fields next to their inputs", async () => {
    const before = await open.snapshot();
    const page = await readPage(
      await submitForm(open.client(), "/auth/sign-up", { name: "bad\u0001name", email: "nope", password: "" }),
    );
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual({
      name: "Enter a name of at most 200 characters, without control characters.",
      email: "Enter an email address like name@example.com.",
      password: "Enter your password.",
    });
    expect(await open.snapshot()).toEqual(before);
  });

  it("refuses a cross-site post with the 403 page and writes nothing", async () => {
    const before = { ...(await open.snapshot()), mails: await mails(open) };
    const client = open.client();
    const response = await submitForm(
      client,
      "/auth/sign-up",
      { email: uniqueEmail(), password: STRONG_PASSWORD },
      { origin: "https://evil.example" },
    );
    const page = await readPage(response);
    expect(page.status).toBe(403);
    expect(page.html).toContain('data-error-code="csrf_rejected"');
    expect(client.cookies.size).toBe(0);
    expect({ ...(await open.snapshot()), mails: await mails(open) }).toEqual(before);
  });
});

describe("POST /auth/sign-up, accepted", () => {
  it("with verification off, signs in and goes (303) to return_to; the mail's link keeps it", async () => {
    const email = uniqueEmail("open");
    const client = open.client();
    const response = await submitForm(client, "/auth/sign-up", {
      name: "Ada",
      email,
      password: STRONG_PASSWORD,
      return_to: "/docs?a=1",
    });
    expect([response.status, response.headers.get("location")]).toEqual([303, "/docs?a=1"]);
    expect(client.cookies.has("__Host-portcullis_at")).toBe(true);
    expect((await client.request("/auth/session")).status).toBe(200);
    const [user] = await open.sql<{ name: string }>("SELECT name FROM users WHERE email = $1", [email]);
    expect(user?.name).toBe("Ada");
    const [mail] = await outboxFor(open.worker, email);
    expect(mail?.template).toBe("email_verification");
    const token = tokenIn(mail?.text ?? null);
    expect(mail?.text).toContain(`http://localhost/auth/verify-email?token=${token}&return_to=%2Fdocs%3Fa%3D1`);
  });

  it("with verification on, sends a new and a taken address to the same check-your-inbox page", async () => {
    const taken = uniqueEmail("taken");
    await submitForm(strict.client(), "/auth/sign-up", { email: taken, password: STRONG_PASSWORD });
    const answers = [];
    for (const email of [uniqueEmail("fresh"), taken]) {
      const client = strict.client();
      const response = await submitForm(client, "/auth/sign-up", {
        email,
        password: "another perfectly fine passphrase",
        return_to: "/docs",
      });
      expect(client.cookies.has("__Host-portcullis_at")).toBe(false);
      const page = await readPage(await client.request(response.headers.get("location") ?? ""));
      answers.push({
        status: response.status,
        location: response.headers.get("location"),
        cookies: client.lastSetCookies.map((cookie) => cookie.name),
        h1: page.h1,
        text: page.text.replace(email, "<email>"),
        email: inputNamed(page, "email")?.attributes.value === email,
      });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({ status: 303, location: "/auth/verify-email?return_to=%2Fdocs" });
    expect(answers[0]?.h1).toBe("Check your inbox");
    expect(answers[0]?.email).toBe(true);
    expect((await outboxFor(strict.worker, taken)).map((m) => m.template)).toEqual([
      "signup_attempt_notice",
      "email_verification",
    ]);
    const [account] = await strict.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1",
      [taken],
    );
    expect(account?.n).toBe(1);
  });
});
