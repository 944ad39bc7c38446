// Password change on the account page: the same service as POST /auth/password/change — the current
// password checked, the policy applied, every other session ended.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const NEW_PASSWORD = "a brand new passphrase 2026";

const hashOf = async (email: string) =>
  (
    await ctx.sql<{ password_hash: string }>(
      "SELECT a.password_hash FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1",
      [email],
    )
  )[0]?.password_hash;

const login = (email: string, password: string) => ctx.client().request("/auth/login", { json: { email, password } });

describe("POST /auth/account/password", () => {
  it("changes the password, keeps this session and ends every other one", async () => {
    const email = uniqueEmail("pw");
    const client = await signUpBrowser(ctx, email);
    const laptop = ctx.client();
    expect((await laptop.request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).status).toBe(200);

    const response = await submitForm(client, "/auth/account/password", {
      current_password: STRONG_PASSWORD,
      new_password: NEW_PASSWORD,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/account?done=password");
    expect((await laptop.request("/auth/refresh", { method: "POST" })).status).toBe(401);
    expect((await client.request("/auth/refresh", { method: "POST" })).status).toBe(200);
    expect((await login(email, STRONG_PASSWORD)).status).toBe(401);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
    const page = await readPage(await client.request("/auth/account?done=password"));
    expect(page.text).toContain("Your password was changed, and every other session was signed out.");
  });

  it("refuses a wrong current password next to its field (401) and changes nothing", async () => {
    const email = uniqueEmail("pwwrong");
    const client = await signUpBrowser(ctx, email);
    const hash = await hashOf(email);
    const page = await readPage(
      await submitForm(client, "/auth/account/password", {
        current_password: "not my password at all",
        new_password: NEW_PASSWORD,
      }),
    );
    expect(page.status).toBe(401);
    expect(page.fieldErrors).toEqual({ current_password: "Your current password is incorrect." });
    expect(inputNamed(page, "current_password")?.attributes.value).toBeUndefined();
    expect(page.html).not.toContain("not my password at all");
    expect(page.html).not.toContain(NEW_PASSWORD);
    expect(await hashOf(email)).toBe(hash);
  });

  it.each([
    ["short", "Use at least 12 characters."],
    ["password1234", "This password is too common. Choose another one."],
  ])("refuses the weak new password %j with the policy's words (400) and changes nothing", async (weak, message) => {
    const email = uniqueEmail("pwweak");
    const client = await signUpBrowser(ctx, email);
    const hash = await hashOf(email);
    const sessions = (await ctx.snapshot()).sessions;
    const page = await readPage(
      await submitForm(client, "/auth/account/password", { current_password: STRONG_PASSWORD, new_password: weak }),
    );
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual({ new_password: message });
    expect(await hashOf(email)).toBe(hash);
    expect((await ctx.snapshot()).sessions).toBe(sessions);
  });

  it("asks for both fields when they are empty, before checking anything", async () => {
    const email = uniqueEmail("pwempty");
    const client = await signUpBrowser(ctx, email);
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(client, "/auth/account/password", { current_password: "" }));
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual({
      current_password: "Enter your current password.",
      new_password: "Enter your new password.",
    });
    expect(page.summary).toEqual(["Enter your current password.", "Enter your new password."]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
