// Email change on the account page: step-up exactly where the API demands it, then a code sent to the
// new address (the same services as POST /auth/email/change/request and /auth/email/change).
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeIn, outboxFor } from "../../../test/helpers/outbox.ts";
import { enrollTotp } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie, resignAccessToken } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const REAUTH_EMAIL = "/auth/reauthenticate?return_to=%2Fauth%2Faccount%2Femail";
const REAUTH_CONFIRM = "/auth/reauthenticate?return_to=%2Fauth%2Faccount%2Femail%2Fconfirm";

const emailCodes = async () =>
  (await ctx.sql<{ n: number }>("SELECT count(*)::int AS n FROM verification_codes WHERE purpose = 'EMAIL_CHANGE'"))[0]
    ?.n;
const userExists = async (email: string) =>
  (await ctx.sql("SELECT 1 FROM users WHERE email = $1", [email])).length === 1;

async function requested(): Promise<{ client: TestClient; oldEmail: string; newEmail: string; code: string }> {
  const oldEmail = uniqueEmail("old");
  const newEmail = uniqueEmail("new");
  const client = await signUpBrowser(ctx, oldEmail);
  const response = await submitForm(client, "/auth/account/email", { email: newEmail });
  expect(response.status).toBe(303);
  expect(response.headers.get("location")).toBe("/auth/account/email/confirm");
  return { client, oldEmail, newEmail, code: codeIn((await outboxFor(ctx.worker, newEmail))[0]?.text ?? null) };
}

describe("step-up before an email change", () => {
  it("sends an old sign-in to /auth/reauthenticate from every step, sending nothing", async () => {
    const client = await signUpBrowser(ctx);
    await ageAccessCookie(client);
    const before = await emailCodes();
    for (const path of ["/auth/account/email", "/auth/account/email/confirm"]) {
      const response = await client.request(path);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(path.endsWith("confirm") ? REAUTH_CONFIRM : REAUTH_EMAIL);
    }
    const newEmail = uniqueEmail("stepup");
    const post = await submitForm(client, "/auth/account/email", { email: newEmail });
    expect(post.status).toBe(303);
    expect(post.headers.get("location")).toBe(REAUTH_EMAIL);
    const confirm = await submitForm(client, "/auth/account/email/confirm", { code: "123456" });
    expect(confirm.headers.get("location")).toBe(REAUTH_CONFIRM);
    expect(await emailCodes()).toBe(before);
    expect(await outboxFor(ctx.worker, newEmail)).toEqual([]);
    // The JSON API refuses the same session in the same way.
    const api = await client.request("/auth/email/change/request", { json: { email: newEmail } });
    expect(api.status).toBe(401);
  });

  it("asks a session without a second factor to prove one when two-step sign-in is on", async () => {
    const client = await signUpBrowser(ctx);
    await enrollTotp(client);
    expect((await client.request("/auth/account/email")).status).toBe(200);
    const token = client.cookies.get("__Host-portcullis_at") ?? "";
    client.cookies.set("__Host-portcullis_at", await resignAccessToken(token, { amr: ["pwd"] }));
    const response = await client.request("/auth/account/email");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(REAUTH_EMAIL);
  });
});

describe("changing the email address", () => {
  it("shows the form, sends a code to the new address, and changes it once the code is entered", async () => {
    const signedIn = await signUpBrowser(ctx);
    const form = await readPage(await signedIn.request("/auth/account/email"));
    expect(form.status).toBe(200);
    expect(inputNamed(form, "email")?.attributes).toMatchObject({ type: "email", autocomplete: "email" });
    expect(form.inlineHandlers).toEqual([]);

    const { client, oldEmail, newEmail, code } = await requested();
    expect(code).toMatch(/^\d{6}$/);
    const confirm = await readPage(await client.request("/auth/account/email/confirm"));
    expect(confirm.status).toBe(200);
    expect(inputNamed(confirm, "code")?.attributes).toMatchObject({
      autocomplete: "one-time-code",
      inputmode: "numeric",
    });
    const response = await submitForm(client, "/auth/account/email/confirm", {
      code: ` ${code.slice(0, 3)} ${code.slice(3)} `,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/account?done=email");
    expect(await userExists(newEmail)).toBe(true);
    expect(await userExists(oldEmail)).toBe(false);
    expect((await outboxFor(ctx.worker, oldEmail)).map((m) => m.template)).toContain("email_change_notice");
    const page = await readPage(await client.request("/auth/account?done=email"));
    expect(page.text).toContain("Your email address was changed.");
    expect(page.text).toContain(newEmail);
  });

  it("answers a taken address exactly like a free one, without mailing it", async () => {
    const taken = uniqueEmail("taken");
    await signUpBrowser(ctx, taken);
    const client = await signUpBrowser(ctx);
    const before = (await outboxFor(ctx.worker, taken)).length;
    const response = await submitForm(client, "/auth/account/email", { email: taken });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/account/email/confirm");
    expect(await outboxFor(ctx.worker, taken)).toHaveLength(before);
  });

  it.each([
    ["", "Enter your new email address."],
    ["not-an-email", "Enter an email address like name@example.com."],
  ])("refuses the address %j next to its field (400), sending nothing", async (email, message) => {
    const client = await signUpBrowser(ctx);
    const codes = await emailCodes();
    const page = await readPage(await submitForm(client, "/auth/account/email", { email }));
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual({ email: message });
    expect(inputNamed(page, "email")?.attributes.value).toBe(email);
    expect(await emailCodes()).toBe(codes);
  });

  it("refuses the current address (400), sending nothing", async () => {
    const email = uniqueEmail("same");
    const client = await signUpBrowser(ctx, email);
    const codes = await emailCodes();
    const page = await readPage(await submitForm(client, "/auth/account/email", { email: email.toUpperCase() }));
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual({ email: "That is already your email address." });
    expect(await emailCodes()).toBe(codes);
  });

  it("refuses a wrong or malformed code next to its field (400) and keeps the old address", async () => {
    const { client, oldEmail, newEmail, code } = await requested();
    const wrong = code === "000000" ? "111111" : "000000";
    for (const [typed, message] of [
      [wrong, "That code is wrong or has expired. Check the latest email, or ask for a new code."],
      ["12ab56", "That code is wrong or has expired. Check the latest email, or ask for a new code."],
      ["", "Enter your code."],
    ]) {
      const page = await readPage(await submitForm(client, "/auth/account/email/confirm", { code: typed as string }));
      expect(page.status).toBe(400);
      expect(page.fieldErrors).toEqual({ code: message });
      expect(inputNamed(page, "code")?.attributes.value).toBeUndefined();
    }
    expect(await userExists(oldEmail)).toBe(true);
    expect(await userExists(newEmail)).toBe(false);
  });
});
