// What every security-page handler checks first: the request's origin (CSRF), a session, and the
// step-up the JSON API demands for the same change.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeAt, registerPasskey } from "../../../test/helpers/second-factors.ts";
import { enrollOnPage, SECURITY } from "../../../test/helpers/security-page.ts";
import { ageAccessCookie } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const REAUTHENTICATE = `/auth/reauthenticate?return_to=${encodeURIComponent(SECURITY)}`;
const SIGN_IN = `/auth/sign-in?return_to=${encodeURIComponent(SECURITY)}`;
const ID = "0190a7c4-0000-7000-8000-000000000000";

/** How many TOTP credentials (pending or confirmed) the user with `email` has. */
async function totpCredentials(email: string): Promise<number> {
  const [row] = await ctx.sql<{ n: number }>(
    "SELECT count(*)::int AS n FROM totp_credentials t JOIN users u ON u.id = t.user_id WHERE u.email = $1",
    [email],
  );
  return row?.n ?? -1;
}

/** Every form POST of the page, with fields that would otherwise be acted on. */
const POSTS: [string, Record<string, string>][] = [
  [`${SECURITY}/totp/enroll`, {}],
  [`${SECURITY}/totp/confirm`, { code: "123456" }],
  [`${SECURITY}/totp/disable`, { code: "123456" }],
  [`${SECURITY}/recovery-codes`, {}],
  [`${SECURITY}/passkeys`, { name: "x", passkey_response: "{}" }],
  [`${SECURITY}/passkeys/${ID}/rename`, { name: "x" }],
  [`${SECURITY}/passkeys/${ID}/remove`, {}],
];

describe("cross-site requests", () => {
  it("refuses every form POST from another origin with a 403 page, changing nothing", async () => {
    const client = await signUpBrowser(ctx);
    const { passkeyId } = await registerPasskey(client);
    const before = await ctx.snapshot();
    for (const [path, fields] of POSTS) {
      const target = path.replace(ID, passkeyId);
      for (const origin of ["https://evil.example", null]) {
        const page = await readPage(await submitForm(client, target, fields, { origin }));
        expect([target, page.status]).toEqual([target, 403]);
        expect(page.headers.get("content-type")).toMatch(/^text\/html/);
        expect(page.html).toContain('data-error-code="csrf_rejected"');
      }
    }
    expect(await ctx.snapshot()).toEqual(before);
    const [passkey] = await ctx.sql<{ name: string }>("SELECT name FROM passkeys WHERE id = $1", [passkeyId]);
    expect(passkey?.name).toBe("Laptop");
  });

  it("refuses the options route from another origin, with or without a session cookie", async () => {
    for (const client of [await signUpBrowser(ctx), ctx.client()]) {
      for (const origin of ["https://evil.example", null]) {
        const response = await client.request(`${SECURITY}/passkeys/options`, { json: {}, origin });
        expect(response.status).toBe(403);
        // JSON from the handler's own check, a page from the /auth/* middleware's: both say why.
        expect(await response.text()).toContain("csrf_rejected");
      }
    }
  });

  it("refuses a form that is not urlencoded", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    const response = await client.request(`${SECURITY}/totp/enroll`, { json: {} });
    expect(response.status).toBe(415);
    expect(await totpCredentials(email)).toBe(0);
  });
});

describe("without a session", () => {
  it("sends every form POST to sign-in, coming back to the security page", async () => {
    for (const [path, fields] of POSTS) {
      const response = await submitForm(ctx.client(), path, fields);
      expect([path, response.status, response.headers.get("location")]).toEqual([path, 303, SIGN_IN]);
    }
  });

  it("sends the enrollment page to sign-in", async () => {
    const response = await ctx.client().request(`${SECURITY}/totp`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/auth/sign-in?return_to=${encodeURIComponent(`${SECURITY}/totp`)}`);
  });
});

describe("step-up, as the API demands it", () => {
  it("sends a stale session to /auth/reauthenticate before enrolling or showing a pending key", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    await ageAccessCookie(client);
    const start = await submitForm(client, `${SECURITY}/totp/enroll`, {});
    expect([start.status, start.headers.get("location")]).toEqual([303, REAUTHENTICATE]);
    const pending = await client.request(`${SECURITY}/totp`);
    expect([pending.status, pending.headers.get("location")]).toEqual([302, REAUTHENTICATE]);
    expect(await totpCredentials(email)).toBe(0);
  });

  it("sends a stale session to /auth/reauthenticate before turning the app off", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    const { secret } = await enrollOnPage(client);
    await ageAccessCookie(client, ["pwd", "otp", "mfa"]);
    const response = await submitForm(client, `${SECURITY}/totp/disable`, { code: codeAt(secret) });
    expect([response.status, response.headers.get("location")]).toEqual([303, REAUTHENTICATE]);
    expect(await totpCredentials(email)).toBe(1);
  });

  it("lets a stale session rename a passkey (the API asks only for a session there)", async () => {
    const client = await signUpBrowser(ctx);
    const { passkeyId } = await registerPasskey(client);
    await ageAccessCookie(client);
    const response = await submitForm(client, `${SECURITY}/passkeys/${passkeyId}/rename`, { name: "Old laptop" });
    expect(response.status).toBe(303);
  });
});
