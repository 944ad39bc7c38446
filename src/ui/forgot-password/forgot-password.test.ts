// The forgot-password page: one answer (status, redirect, page) for a known and an unknown address,
// the mail's link to the reset page with return_to, field errors and CSRF refusal.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const resetMails = async (email: string) =>
  (await outboxFor(ctx.worker, email)).filter((m) => m.template === "password_reset");

describe("GET /auth/forgot-password", () => {
  it("shows the email form and keeps return_to", async () => {
    const page = await readPage(await ctx.client().request("/auth/forgot-password?return_to=%2Fdocs"));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Reset your password");
    expect(inputNamed(page, "email")?.attributes).toMatchObject({ type: "email", autocomplete: "username" });
    expect(inputNamed(page, "return_to")?.attributes.value).toBe("/docs");
    expect(page.forms[0]?.attributes).toMatchObject({ method: "post", action: "/auth/forgot-password" });
    expect(page.inlineHandlers).toEqual([]);
  });
});

describe("POST /auth/forgot-password", () => {
  it("answers a known and an unknown address with the same redirect and page; only the known gets a link", async () => {
    const known = uniqueEmail("known");
    await signUpBrowser(ctx, known);
    const unknown = uniqueEmail("unknown");
    const answers = [];
    for (const email of [known, unknown]) {
      const client = ctx.client();
      const response = await submitForm(client, "/auth/forgot-password", { email, return_to: "/docs" });
      const page = await readPage(await client.request(response.headers.get("location") ?? ""));
      answers.push({
        status: response.status,
        location: response.headers.get("location"),
        cookies: client.lastSetCookies.length,
        pageStatus: page.status,
        h1: page.h1,
        text: page.text,
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({
      status: 303,
      location: "/auth/forgot-password?sent=1&return_to=%2Fdocs",
      pageStatus: 200,
      h1: "Check your inbox",
    });
    expect(answers[0]?.text).toContain("If an account uses this address, we sent it a link");
    const [mail] = await resetMails(known);
    const token = tokenIn(mail?.text ?? null);
    expect(mail?.text).toContain(`http://localhost/auth/reset-password?token=${token}&return_to=%2Fdocs`);
    expect(await outboxFor(ctx.worker, unknown)).toEqual([]);
  });

  it("puts a missing or malformed address next to the field and sends nothing", async () => {
    const before = await ctx.snapshot();
    for (const [email, message] of [
      ["", "Enter your email address."],
      ["not-an-email", "Enter an email address like name@example.com."],
    ] as const) {
      const page = await readPage(await submitForm(ctx.client(), "/auth/forgot-password", { email }));
      expect([page.status, page.fieldErrors]).toEqual([400, { email: message }]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("refuses a cross-site post with the 403 page and sends nothing", async () => {
    const email = uniqueEmail("csrf");
    await signUpBrowser(ctx, email);
    const before = await ctx.snapshot();
    const page = await readPage(
      await submitForm(ctx.client(), "/auth/forgot-password", { email }, { origin: "https://evil.example" }),
    );
    expect(page.status).toBe(403);
    expect(page.html).toContain('data-error-code="csrf_rejected"');
    expect(await ctx.snapshot()).toEqual(before);
    expect(await resetMails(email)).toEqual([]);
  });
});
