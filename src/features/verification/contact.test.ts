// Email change (recent sign-in, new address proven by code, old address told) and phone verification.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { codeIn, outboxFor } from "../../../test/helpers/outbox.ts";
import { resignAccessToken } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const emailOf = async (userEmail: string) =>
  ctx.sql<{ email: string; verified: boolean }>(
    "SELECT email, email_verified_at IS NOT NULL AS verified FROM users WHERE email = $1",
    [userEmail],
  );

async function changeRequested(): Promise<{ client: TestClient; oldEmail: string; newEmail: string; code: string }> {
  const oldEmail = uniqueEmail("old");
  const newEmail = uniqueEmail("new");
  const client = await signUpBrowser(ctx, oldEmail);
  const response = await client.request("/auth/email/change/request", { json: { email: newEmail } });
  expect(response.status).toBe(202);
  return { client, oldEmail, newEmail, code: codeIn((await outboxFor(ctx.worker, newEmail))[0]?.text ?? null) };
}

describe("email change", () => {
  it("replaces the address once the code sent to the new one is entered, and tells the old one", async () => {
    const { client, oldEmail, newEmail, code } = await changeRequested();
    expect(code).toMatch(/^\d{6}$/);
    const response = await client.request("/auth/email/change", { json: { code } });
    expect(response.status).toBe(200);
    expect(await emailOf(newEmail)).toEqual([{ email: newEmail, verified: true }]);
    expect(await emailOf(oldEmail)).toEqual([]);
    expect((await outboxFor(ctx.worker, oldEmail)).map((m) => m.template)).toContain("email_change_notice");
    const login = (email: string) =>
      ctx.client().request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
    expect((await login(newEmail)).status).toBe(200);
    expect((await login(oldEmail)).status).toBe(401);
  });

  it("refuses a wrong code and changes nothing", async () => {
    const { client, oldEmail, code } = await changeRequested();
    const wrong = await client.request("/auth/email/change", {
      json: { code: code === "000000" ? "111111" : "000000" },
    });
    expect([wrong.status, ((await wrong.json()) as ErrorBody).error.code]).toEqual([400, "invalid_code"]);
    expect(await emailOf(oldEmail)).toHaveLength(1);
  });

  it("answers a taken address like any other, without sending it a code", async () => {
    const taken = (await signUpApi(ctx)).email;
    const client = await signUpBrowser(ctx);
    const response = await client.request("/auth/email/change/request", { json: { email: taken } });
    expect(response.status).toBe(202);
    expect((await outboxFor(ctx.worker, taken)).map((m) => m.template)).toEqual(["email_verification"]); // signup's
  });

  it("requires a recent sign-in: 401 reauthentication_required otherwise", async () => {
    const api = await signUpApi(ctx);
    const stale = await resignAccessToken(api.accessToken, { authTime: Math.floor(Date.now() / 1000) - 3600 });
    const before = await ctx.snapshot();
    const response = await ctx
      .client()
      .request("/auth/email/change/request", { json: { email: uniqueEmail() }, bearer: stale, origin: null });
    expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([
      401,
      "reauthentication_required",
    ]);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("answers bad input with 400", async () => {
    const client = await signUpBrowser(ctx);
    for (const json of [{ email: "nope" }, { email: 5 }, {}]) {
      const response = await client.request("/auth/email/change/request", { json });
      expect(response.status).toBe(400);
    }
    const own = (await (await client.request("/auth/session")).json()) as { user: { email: string } };
    expect((await client.request("/auth/email/change/request", { json: { email: own.user.email } })).status).toBe(400);
  });
});

describe("phone verification", () => {
  it("sets the verified number after the SMS code", async () => {
    const client = await signUpBrowser(ctx);
    const phone = `+1415555${String(Date.now()).slice(-4)}`;
    expect((await client.request("/auth/phone/verify/request", { json: { phone } })).status).toBe(202);
    const [sms] = await outboxFor(ctx.worker, phone);
    const response = await client.request("/auth/phone/verify", { json: { code: codeIn(sms?.text ?? null) } });
    expect(response.status).toBe(200);
    const me = (await (await client.request("/auth/session")).json()) as {
      user: { phoneNumber: string; phoneVerified: boolean };
    };
    expect(me.user).toMatchObject({ phoneNumber: phone, phoneVerified: true });
  });

  it("refuses a number already verified on another account with 409 phone_in_use", async () => {
    const phone = `+4420794${String(Date.now()).slice(-5)}`;
    for (const [index, client] of [await signUpBrowser(ctx), await signUpBrowser(ctx)].entries()) {
      await client.request("/auth/phone/verify/request", { json: { phone } });
      const [sms] = await outboxFor(ctx.worker, phone);
      const response = await client.request("/auth/phone/verify", { json: { code: codeIn(sms?.text ?? null) } });
      if (index === 0) expect(response.status).toBe(200);
      else expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([409, "phone_in_use"]);
    }
    expect(await ctx.sql("SELECT 1 FROM users WHERE phone_number = $1", [phone])).toHaveLength(1);
  });

  it("refuses numbers that are not E.164 with 400, sending nothing", async () => {
    const client = await signUpBrowser(ctx);
    const before = await ctx.snapshot();
    for (const phone of ["4155550123", "+0123456789", "+1 415 555 0123", "+1234", "+1234567890123456", "phone"]) {
      const response = await client.request("/auth/phone/verify/request", { json: { phone } });
      expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });
});
