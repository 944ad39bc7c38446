// The reset-password page without a second factor: GET shows the form and never consumes the link,
// POST resets with the same service as POST /auth/password/reset, bad input and dead links.
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
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const NEW_PASSWORD = "a brand new passphrase 9";
const INVALID = "This link is no longer valid";

async function resetLink(returnTo = "/docs"): Promise<{ email: string; token: string; signedIn: TestClient }> {
  const email = uniqueEmail("reset");
  const signedIn = await signUpBrowser(ctx, email);
  await submitForm(ctx.client(), "/auth/forgot-password", { email, return_to: returnTo });
  const mail = (await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset");
  return { email, token: tokenIn(mail?.text ?? null), signedIn };
}

const passwordHashOf = async (email: string) =>
  (
    await ctx.sql<{ password_hash: string }>(
      "SELECT a.password_hash FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1",
      [email],
    )
  )[0]?.password_hash;
const openLinks = async (email: string) =>
  (
    await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM verification_codes v JOIN users u ON u.id = v.user_id WHERE u.email = $1 AND v.purpose = 'PASSWORD_RESET' AND v.consumed_at IS NULL",
      [email],
    )
  )[0]?.n;

describe("GET /auth/reset-password", () => {
  it("shows a new-password form without second-factor fields, and leaves the link usable", async () => {
    const { email, token } = await resetLink();
    for (let i = 0; i < 2; i++) {
      const page = await readPage(await ctx.client().request(`/auth/reset-password?token=${token}&return_to=%2Fdocs`));
      expect(page.status).toBe(200);
      expect(page.h1).toBe("Choose a new password");
      expect(inputNamed(page, "password")?.attributes).toMatchObject({
        type: "password",
        autocomplete: "new-password",
      });
      expect(inputNamed(page, "token")?.attributes).toMatchObject({ type: "hidden", value: token });
      expect(inputNamed(page, "return_to")?.attributes.value).toBe("/docs");
      expect(inputNamed(page, "totp")).toBeUndefined();
      expect(page.forms.map((form) => form.attributes.action)).toEqual(["/auth/reset-password"]);
      expect(page.text).toContain("At least 12 characters.");
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
      expect(page.inlineHandlers).toEqual([]);
    }
    expect(await openLinks(email)).toBe(1);
  });

  it("says a malformed, unknown or expired link is no longer valid", async () => {
    const { email, token } = await resetLink();
    await ctx.sql(
      "UPDATE verification_codes SET expires_at = now() - interval '1 minute' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [email],
    );
    for (const value of [token, "A".repeat(43), "short", ""]) {
      const page = await readPage(await ctx.client().request(`/auth/reset-password?token=${value}&return_to=%2Fdocs`));
      expect([page.status, page.h1]).toEqual([400, INVALID]);
      expect(page.links.map((link) => link.attributes.href)).toContain("/auth/forgot-password?return_to=%2Fdocs");
    }
    const before = { ...(await ctx.snapshot()), hash: await passwordHashOf(email) };
    const posted = await readPage(
      await submitForm(ctx.client(), "/auth/reset-password", { token, password: NEW_PASSWORD }),
    );
    expect([posted.status, posted.h1]).toEqual([400, INVALID]);
    expect({ ...(await ctx.snapshot()), hash: await passwordHashOf(email) }).toEqual(before);
  });
});

describe("POST /auth/reset-password", () => {
  it("resets, signs every session out, and says so with a sign-in link that keeps return_to", async () => {
    const { email, token, signedIn } = await resetLink();
    expect((await signedIn.request("/auth/session")).status).toBe(200);
    const response = await submitForm(ctx.client(), "/auth/reset-password", {
      token,
      password: NEW_PASSWORD,
      return_to: "/docs",
    });
    expect([response.status, response.headers.get("location")]).toEqual([
      303,
      "/auth/reset-password?done=1&return_to=%2Fdocs",
    ]);
    const page = await readPage(await ctx.client().request(response.headers.get("location") ?? ""));
    expect(page.h1).toBe("Your password is changed");
    expect(page.text).toContain("every session that was signed in to your account has been signed out");
    expect(page.links.map((link) => link.attributes.href)).toContain("/auth/sign-in?return_to=%2Fdocs");
    expect((await signedIn.request("/auth/session")).status).toBe(401);
    const signIn = await submitForm(ctx.client(), "/auth/sign-in", { email, password: NEW_PASSWORD });
    expect(signIn.status).toBe(303);
    // The link works once: a replay says it is no longer valid.
    const replay = await readPage(
      await submitForm(ctx.client(), "/auth/reset-password", { token, password: "yet another passphrase 7" }),
    );
    expect([replay.status, replay.h1]).toEqual([400, INVALID]);
    expect((await submitForm(ctx.client(), "/auth/sign-in", { email, password: NEW_PASSWORD })).status).toBe(303);
  });

  it("puts a too-short, a too-common or a missing password next to the field and keeps the link", async () => {
    const { email, token } = await resetLink();
    const before = { ...(await ctx.snapshot()), hash: await passwordHashOf(email) };
    for (const [password, message] of [
      ["short", "Use at least 12 characters."],
      ["password1234", "This password is too common: it is on the lists attackers try first. Choose another."],
      ["", "Enter your new password."],
    ] as const) {
      const page = await readPage(await submitForm(ctx.client(), "/auth/reset-password", { token, password }));
      expect([page.status, page.fieldErrors]).toEqual([400, { password: message }]);
      expect(inputNamed(page, "token")?.attributes.value).toBe(token);
    }
    expect({ ...(await ctx.snapshot()), hash: await passwordHashOf(email) }).toEqual(before);
    expect(await openLinks(email)).toBe(1);
    expect((await submitForm(ctx.client(), "/auth/sign-in", { email, password: STRONG_PASSWORD })).status).toBe(303);
  });

  it("refuses a cross-site post with the 403 page and leaves password and link as they were", async () => {
    const { email, token } = await resetLink();
    const before = { ...(await ctx.snapshot()), hash: await passwordHashOf(email) };
    const page = await readPage(
      await submitForm(
        ctx.client(),
        "/auth/reset-password",
        { token, password: NEW_PASSWORD },
        { origin: "https://evil.example" },
      ),
    );
    expect(page.status).toBe(403);
    expect(page.html).toContain('data-error-code="csrf_rejected"');
    const options = await ctx.client().request("/auth/reset-password/passkey-options", {
      json: { token },
      origin: "https://evil.example",
    });
    expect(options.status).toBe(403);
    expect({ ...(await ctx.snapshot()), hash: await passwordHashOf(email) }).toEqual(before);
    expect(await openLinks(email)).toBe(1);
  });
});
