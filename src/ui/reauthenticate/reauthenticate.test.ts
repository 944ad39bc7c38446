// Step-up as a page: who may use it, what it asks for (a second factor when the account has one), and
// the same reauthenticate service as POST /auth/reauthenticate, ending in a fresh access cookie.
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
import { codeAt, enrollTotp, json } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie, claimsOf } from "../../../test/helpers/tokens.ts";

const ACTION = "/auth/reauthenticate/confirm";
let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

/** A signed-in browser whose last sign-in was an hour ago. */
async function staleBrowser(): Promise<TestClient> {
  const client = await signUpBrowser(ctx);
  await ageAccessCookie(client);
  return client;
}

async function staleTotpBrowser() {
  const client = await signUpBrowser(ctx, uniqueEmail("stepup"));
  const { secret, recoveryCodes } = await enrollTotp(client);
  await ageAccessCookie(client, ["pwd"]);
  return { client, secret, recoveryCodes };
}

const authTimeOf = (client: TestClient) => Number(claimsOf(client.cookies.get("__Host-portcullis_at") ?? "").auth_time);
const recent = (client: TestClient) => Date.now() / 1000 - authTimeOf(client) < 60;

describe("GET /auth/reauthenticate", () => {
  it("sends a browser without a session to sign-in, keeping return_to", async () => {
    const response = await ctx.client().request("/auth/reauthenticate?return_to=%2Fsensitive%2Fx");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/auth/sign-in?return_to=%2Fsensitive%2Fx");
  });

  it("asks a password-only account for its password", async () => {
    const client = await staleBrowser();
    const page = await readPage(await client.request("/auth/reauthenticate?return_to=%2Fdocs"));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Confirm it is you");
    expect(inputNamed(page, "password")?.attributes.autocomplete).toBe("current-password");
    expect(inputNamed(page, "code")).toBeUndefined();
    expect(page.forms.map((form) => form.attributes.action)).toEqual([ACTION]);
    expect(inputNamed(page, "return_to")?.attributes.value).toBe("/docs");
    expect(page.inlineHandlers).toEqual([]);
  });

  it("asks an account with two-step sign-in for a second factor, never the password alone", async () => {
    const { client } = await staleTotpBrowser();
    const page = await readPage(await client.request("/auth/reauthenticate"));
    expect(inputNamed(page, "password")).toBeUndefined();
    expect(inputNamed(page, "code")?.attributes).toMatchObject({ autocomplete: "one-time-code", inputmode: "numeric" });
    expect(inputNamed(page, "recovery_code")).toBeDefined();
  });
});

describe("POST /auth/reauthenticate/confirm", () => {
  it("with the right password: a fresh access cookie and 303 to return_to", async () => {
    const client = await staleBrowser();
    expect(recent(client)).toBe(false);
    const response = await submitForm(client, ACTION, { password: STRONG_PASSWORD, return_to: "/docs" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/docs");
    expect(recent(client)).toBe(true);
  });

  it("shows a wrong password next to its field (401) and keeps the old access cookie", async () => {
    const client = await staleBrowser();
    const before = client.cookies.get("__Host-portcullis_at");
    const page = await readPage(await submitForm(client, ACTION, { password: "not my password at all" }));
    expect(page.status).toBe(401);
    expect(page.fieldErrors).toEqual({ password: "The password is incorrect." });
    expect(page.html).not.toContain("not my password at all");
    expect(client.cookies.get("__Host-portcullis_at")).toBe(before);
  });

  it("answers an empty password with 400 and writes nothing", async () => {
    const client = await staleBrowser();
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(client, ACTION, { password: "" }));
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual({ password: "Enter your password." });
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("with a TOTP code: the session becomes multi-factor and recent; the same code is refused again", async () => {
    const { client, secret } = await staleTotpBrowser();
    const code = codeAt(secret);
    const response = await submitForm(client, ACTION, { code, return_to: "/docs" });
    expect(response.status).toBe(303);
    expect(recent(client)).toBe(true);
    const session = await json<{ session: { amr: string[] } }>(await client.request("/auth/session"));
    expect(session.session.amr).toEqual(["pwd", "otp", "mfa"]);
    await ageAccessCookie(client, ["pwd"]);
    const replay = await readPage(await submitForm(client, ACTION, { code }));
    expect(replay.status).toBe(401);
    expect(replay.fieldErrors).toEqual({
      code: "That code is wrong or has expired. Enter the code your app shows now.",
    });
    expect(recent(client)).toBe(false);
  });

  it("spends a recovery code: it works once", async () => {
    const { client, recoveryCodes } = await staleTotpBrowser();
    const code = recoveryCodes[1] ?? "";
    expect((await submitForm(client, ACTION, { recovery_code: code })).status).toBe(303);
    await ageAccessCookie(client, ["pwd"]);
    const again = await readPage(await submitForm(client, ACTION, { recovery_code: code }));
    expect(again.status).toBe(401);
    expect(again.fieldErrors).toEqual({ recovery_code: "That recovery code is wrong or was already used." });
  });

  it("refuses the password alone for an account with two-step sign-in (400, nothing written)", async () => {
    const { client } = await staleTotpBrowser();
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(client, ACTION, { password: STRONG_PASSWORD }));
    expect(page.status).toBe(400);
    expect(page.summary).toEqual(["This account cannot be confirmed that way. Use one of the methods below."]);
    expect(await ctx.snapshot()).toEqual(before);
    expect(recent(client)).toBe(false);
  });

  it("answers malformed codes with 400 field errors and writes nothing", async () => {
    const { client } = await staleTotpBrowser();
    const before = await ctx.snapshot();
    const cases: Record<string, string>[] = [{ code: "" }, { code: "12345" }, { recovery_code: "x" }];
    for (const fields of cases) {
      expect((await submitForm(client, ACTION, fields)).status).toBe(400);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("sends a post without a session to sign-in", async () => {
    const response = await submitForm(ctx.client(), ACTION, { password: STRONG_PASSWORD, return_to: "/docs" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/sign-in?return_to=%2Fdocs");
  });

  it("refuses a cross-site post with the 403 page and writes nothing", async () => {
    const client = await staleBrowser();
    const before = await ctx.snapshot();
    const response = await submitForm(
      client,
      ACTION,
      { password: STRONG_PASSWORD },
      { origin: "https://evil.example" },
    );
    const page = await readPage(response);
    expect(page.status).toBe(403);
    expect(page.html).toContain('data-error-code="csrf_rejected"');
    expect(await ctx.snapshot()).toEqual(before);
    expect(recent(client)).toBe(false);
  });
});

describe("the JSON route beside the page", () => {
  it("POST /auth/reauthenticate still answers JSON errors without the pages' headers", async () => {
    const client = await staleBrowser();
    const response = await client.request("/auth/reauthenticate", { json: { password: "not my password at all" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("content-security-policy")).toBeNull();
  });
});

describe("the gateway's step-up redirect", () => {
  it("leads through sign-in to this page and back to a multi-factor route that then answers", async () => {
    const { client, secret } = await staleTotpBrowser();
    const html = { accept: "text/html" };
    const gated = await client.request("/sensitive/x", { headers: html });
    expect(gated.status).toBe(302);
    const signIn = await client.request(gated.headers.get("location") ?? "");
    expect(signIn.headers.get("location")).toBe("/auth/reauthenticate?return_to=%2Fsensitive%2Fx");
    const page = await readPage(await client.request(signIn.headers.get("location") ?? ""));
    expect(inputNamed(page, "return_to")?.attributes.value).toBe("/sensitive/x");
    const done = await submitForm(client, ACTION, { code: codeAt(secret), return_to: "/sensitive/x" });
    expect(done.headers.get("location")).toBe("/sensitive/x");
    expect((await client.request("/sensitive/x", { headers: html })).status).toBe(200);
  });
});
