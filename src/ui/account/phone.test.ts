// Phone verification on the account page: the number, then the SMS code (the same services as
// POST /auth/phone/verify/request and POST /auth/phone/verify; the dev outbox records the SMS).
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeIn, outboxFor } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

let numbers = 0;
const uniquePhone = () => `+1415${String(Date.now()).slice(-5)}${String(++numbers).padStart(2, "0")}`;

const phoneOf = async (email: string) =>
  (
    await ctx.sql<{ phone_number: string | null; verified: boolean }>(
      "SELECT phone_number, phone_verified_at IS NOT NULL AS verified FROM users WHERE email = $1",
      [email],
    )
  )[0];
const phoneCodes = async () =>
  (
    await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM verification_codes WHERE purpose = 'PHONE_VERIFICATION'",
    )
  )[0]?.n;

async function codeSent(client: TestClient, phone: string, typed = phone): Promise<string> {
  const response = await submitForm(client, "/auth/account/phone", { phone: typed });
  expect(response.status).toBe(303);
  expect(response.headers.get("location")).toBe("/auth/account/phone/verify");
  return codeIn((await outboxFor(ctx.worker, phone))[0]?.text ?? null);
}

describe("verifying a phone number", () => {
  it("sends an SMS code and stores the number as verified once it is entered", async () => {
    const email = uniqueEmail("phone");
    const client = await signUpBrowser(ctx, email);
    const phone = uniquePhone();
    const typed = `${phone.slice(0, 2)} (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    const code = await codeSent(client, phone, typed);
    expect(code).toMatch(/^\d{6}$/);
    const form = await readPage(await client.request("/auth/account/phone/verify"));
    expect(form.status).toBe(200);
    expect(inputNamed(form, "code")?.attributes).toMatchObject({ autocomplete: "one-time-code", inputmode: "numeric" });
    expect(form.inlineHandlers).toEqual([]);
    const response = await submitForm(client, "/auth/account/phone/verify", { code });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/account?done=phone");
    expect(await phoneOf(email)).toEqual({ phone_number: phone, verified: true });
    const page = await readPage(await client.request("/auth/account?done=phone"));
    expect(page.text).toContain("Your phone number was verified.");
    expect(page.html).toContain(`<dd data-current-phone="true">${phone}</dd>`);
  });

  it.each([
    ["", "Enter your phone number."],
    ["4155550123", "Enter a phone number in international format, like +14155550123."],
    ["+0123456789", "Enter a phone number in international format, like +14155550123."],
    ["+1234567890123456", "Enter a phone number in international format, like +14155550123."],
  ])("refuses the number %j on the overview (400), sending nothing", async (phone, message) => {
    const email = uniqueEmail("badphone");
    const client = await signUpBrowser(ctx, email);
    const codes = await phoneCodes();
    const page = await readPage(await submitForm(client, "/auth/account/phone", { phone }));
    expect(page.status).toBe(400);
    expect(page.h1).toBe("Your account");
    expect(page.fieldErrors).toEqual({ phone: message });
    expect(inputNamed(page, "phone")?.attributes.value).toBe(phone);
    expect(await phoneCodes()).toBe(codes);
    expect(await phoneOf(email)).toEqual({ phone_number: null, verified: false });
  });

  it("refuses a wrong or malformed code next to its field (400), storing no number", async () => {
    const email = uniqueEmail("phonecode");
    const client = await signUpBrowser(ctx, email);
    const code = await codeSent(client, uniquePhone());
    for (const [typed, message] of [
      [
        code === "000000" ? "111111" : "000000",
        "That code is wrong or has expired. Check the latest message, or ask for a new code.",
      ],
      ["", "Enter your code."],
    ]) {
      const page = await readPage(await submitForm(client, "/auth/account/phone/verify", { code: typed as string }));
      expect(page.status).toBe(400);
      expect(page.fieldErrors).toEqual({ code: message });
    }
    expect(await phoneOf(email)).toEqual({ phone_number: null, verified: false });
  });

  it("refuses sends past the hourly limit on the overview (429, Retry-After), sending nothing more", async () => {
    const client = await signUpBrowser(ctx);
    const phone = uniquePhone();
    for (let i = 0; i < 3; i++) await codeSent(client, phone);
    const response = await submitForm(client, "/auth/account/phone", { phone });
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const page = await readPage(response);
    expect(page.status).toBe(429);
    expect(page.summary[0]).toMatch(/^Too many attempts\. Wait/);
    expect(inputNamed(page, "phone")?.attributes.value).toBe(phone);
    expect(await outboxFor(ctx.worker, phone)).toHaveLength(3);
  });

  it("refuses a number another account has verified (409)", async () => {
    const phone = uniquePhone();
    const first = await signUpBrowser(ctx);
    expect((await submitForm(first, "/auth/account/phone/verify", { code: await codeSent(first, phone) })).status).toBe(
      303,
    );
    const email = uniqueEmail("second");
    const second = await signUpBrowser(ctx, email);
    await submitForm(second, "/auth/account/phone", { phone });
    const code = codeIn((await outboxFor(ctx.worker, phone))[0]?.text ?? null);
    const page = await readPage(await submitForm(second, "/auth/account/phone/verify", { code }));
    expect(page.status).toBe(409);
    expect(page.summary).toEqual(["Another account already uses this phone number."]);
    expect(await phoneOf(email)).toEqual({ phone_number: null, verified: false });
  });
});
