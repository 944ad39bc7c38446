// The security page's authenticator app: enrollment by reading the key from the page, wrong codes,
// turning it off — the same rules as /auth/mfa/totp/*.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeAt, passwordStep } from "../../../test/helpers/second-factors.ts";
import {
  avoidStepEdge,
  codesOn,
  enrollOnPage,
  keyOn,
  SECURITY,
  startEnrollment,
} from "../../../test/helpers/security-page.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const totpRow = async (email: string) =>
  (
    await ctx.sql<{ confirmed: boolean }>(
      "SELECT confirmed_at IS NOT NULL AS confirmed FROM totp_credentials t JOIN users u ON u.id = t.user_id WHERE u.email = $1",
      [email],
    )
  )[0];

describe("GET /auth/account/security", () => {
  it("sends a browser without a session to sign in, coming back here", async () => {
    const response = await ctx.client().request(SECURITY);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/auth/sign-in?return_to=${encodeURIComponent(SECURITY)}`);
  });

  it("shows the three sections, a link back to the account, and no inline handlers", async () => {
    const page = await readPage(await (await signUpBrowser(ctx)).request(SECURITY));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Security");
    expect(page.links.map((link) => link.attributes.href)).toContain("/auth/account");
    expect(page.forms.map((form) => form.attributes.action)).toContain(`${SECURITY}/totp/enroll`);
    expect(page.text).toContain("Recovery codes come with the authenticator app.");
    expect(page.text).toContain("You have no passkeys yet.");
    expect(page.scripts).toHaveLength(1);
    expect(page.inlineHandlers).toEqual([]);
    expect(page.headers.get("cache-control")).toBe("no-store");
  });
});

describe("enrolling an authenticator app", () => {
  it("shows the QR code as an SVG image, the key grouped in text, and a one-time-code field", async () => {
    const client = await signUpBrowser(ctx);
    const { page, secret } = await startEnrollment(client);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const img = /<img id="totp-qr" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"/.exec(page.html);
    expect(atob(img?.[1] ?? "")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(img?.[2]).toBe("QR code to add this account to an authenticator app");
    expect(secret).toHaveLength(20);
    const code = inputNamed(page, "code")?.attributes;
    expect(code).toMatchObject({ autocomplete: "one-time-code", inputmode: "numeric" });
    // The pending secret stays on the server: no form field carries it.
    expect(page.inputs.filter((input) => input.attributes.type === "hidden")).toEqual([]);
    expect(page.inlineHandlers).toEqual([]);
  });

  it("turns two-step sign-in on with a code computed from the page's key, then shows the codes", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    const { page } = await enrollOnPage(client);
    expect(page.h1).toBe("Save your recovery codes");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect((await totpRow(email))?.confirmed).toBe(true);
    expect((await passwordStep(ctx.client(), email)).status).toBe("mfa_required");
    const after = await readPage(await client.request(SECURITY));
    expect(after.text).toContain("Two-step sign-in is on");
    expect(after.text).toContain("10 unused recovery codes left.");
  });

  it("shows the same pending key again on reload (kept on the server) until it is confirmed", async () => {
    const client = await signUpBrowser(ctx);
    const { page } = await startEnrollment(client);
    const again = await readPage(await client.request(`${SECURITY}/totp`));
    expect(keyOn(again)).toBe(keyOn(page));
    expect((await readPage(await client.request(SECURITY))).links.map((l) => l.attributes.href)).toContain(
      `${SECURITY}/totp`,
    );
  });

  it("refuses a wrong code next to the field and leaves two-step sign-in off", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    const { secret } = await startEnrollment(client);
    const wrong = String((Number(codeAt(secret)) + 1) % 1_000_000).padStart(6, "0");
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(client, `${SECURITY}/totp/confirm`, { code: wrong }));
    expect(page.status).toBe(400);
    expect(page.fieldErrors.code).toBe("The code is wrong or has expired. Enter the code your app shows now.");
    expect(page.summary).toEqual([page.fieldErrors.code]);
    expect(inputNamed(page, "code")?.attributes.value).toBeUndefined();
    expect(keyOn(page)).toBeDefined();
    expect((await totpRow(email))?.confirmed).toBe(false);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("refuses a code that is not 6 digits, and an empty one, without checking it", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    await startEnrollment(client);
    const before = await ctx.snapshot();
    for (const [code, message] of [
      ["12345", "Enter the 6 digits your app shows."],
      ["abcdef", "Enter the 6 digits your app shows."],
      ["", "Enter your code."],
    ]) {
      const page = await readPage(await submitForm(client, `${SECURITY}/totp/confirm`, { code: code ?? "" }));
      expect([page.status, page.fieldErrors.code]).toEqual([400, message]);
    }
    expect((await totpRow(email))?.confirmed).toBe(false);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("accepts a pasted code with a space in it", async () => {
    const client = await signUpBrowser(ctx);
    const { secret } = await startEnrollment(client);
    await avoidStepEdge();
    const code = codeAt(secret, -1);
    const page = await readPage(
      await submitForm(client, `${SECURITY}/totp/confirm`, { code: `${code.slice(0, 3)} ${code.slice(3)}` }),
    );
    expect([page.status, codesOn(page)]).toEqual([200, expect.arrayContaining([expect.any(String)])]);
  });

  it("does not restart an enrollment that is already confirmed", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    await enrollOnPage(client);
    const again = await submitForm(client, `${SECURITY}/totp/enroll`, {});
    expect([again.status, again.headers.get("location")]).toEqual([303, SECURITY]);
    expect((await totpRow(email))?.confirmed).toBe(true);
    const pending = await client.request(`${SECURITY}/totp`);
    expect([pending.status, pending.headers.get("location")]).toEqual([302, SECURITY]);
  });
});

describe("turning the authenticator app off", () => {
  it("turns it off with a current code and deletes the recovery codes", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    const { secret } = await enrollOnPage(client);
    const page = await readPage(await client.request(SECURITY));
    expect(inputNamed(page, "code")?.attributes.autocomplete).toBe("one-time-code");
    const off = await submitForm(client, `${SECURITY}/totp/disable`, { code: codeAt(secret) });
    expect([off.status, off.headers.get("location")]).toEqual([303, `${SECURITY}?done=totp_disabled`]);
    const done = await readPage(await client.request(off.headers.get("location") ?? ""));
    expect(done.text).toContain("The authenticator app is off");
    expect(await totpRow(email)).toBeUndefined();
    const [codes] = await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.email = $1",
      [email],
    );
    expect(codes?.n).toBe(0);
    expect((await passwordStep(ctx.client(), email)).status).toBe("signed_in");
  });

  it("turns it off with a recovery code too", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    const { codes } = await enrollOnPage(client);
    const off = await submitForm(client, `${SECURITY}/totp/disable`, { code: codes[0]?.toLowerCase() ?? "" });
    expect(off.status).toBe(303);
    expect(await totpRow(email)).toBeUndefined();
  });

  it("refuses a wrong, malformed or missing code next to the field and keeps it on", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    const { secret } = await enrollOnPage(client);
    const wrong = String((Number(codeAt(secret)) + 1) % 1_000_000).padStart(6, "0");
    for (const [code, message] of [
      [wrong, "The code is wrong or has expired. Enter the code your app shows now."],
      ["12!45", "Enter a 6-digit code or a recovery code like ABCDE-FGHIJ."],
      ["", "Enter your code."],
    ]) {
      const page = await readPage(await submitForm(client, `${SECURITY}/totp/disable`, { code: code ?? "" }));
      expect([page.status, page.fieldErrors.code, page.summary]).toEqual([400, message, [message]]);
      expect(page.html).not.toContain(`value="${code}"`);
    }
    expect((await totpRow(email))?.confirmed).toBe(true);
  });

  it("says so when there is nothing to turn off", async () => {
    const client = await signUpBrowser(ctx);
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(client, `${SECURITY}/totp/disable`, { code: "123456" }));
    expect([page.status, page.summary]).toEqual([400, ["No authenticator app is set up."]]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
