// Exploratory probes (independent review), part 2: flow cookies, caching, enumeration headers.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { submitForm } from "../../../test/helpers/html.ts";
import { enrollTotp } from "../../../test/helpers/second-factors.ts";

let strict: AuthTestContext;
let ctx: AuthTestContext;
beforeAll(async () => {
  [ctx, strict] = await Promise.all([setUpAuthTest(), setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" })]);
});

// workerd has getSetCookie; the DOM typings the tests compile with do not.
const setCookies = (r: Response) => (r.headers as Headers & { getSetCookie(): string[] }).getSetCookie();

const shape = (r: Response, email: string) => ({
  status: r.status,
  location: r.headers.get("location"),
  headers: [...r.headers].filter(
    ([n]) => !["x-request-id", "content-security-policy", "set-cookie", "date"].includes(n),
  ),
  cookies: setCookies(r).map((c: string) => c.replace(encodeURIComponent(email), "<e>").replace(email, "<e>")),
});

describe("flow cookies", () => {
  it("portcullis_verify is __Host-, HttpOnly, Secure, SameSite", async () => {
    const email = uniqueEmail();
    const r = await submitForm(strict.client(), "/auth/sign-up", { email, password: STRONG_PASSWORD });
    const cookies = setCookies(r);
    expect(
      cookies.some(
        (c: string) =>
          /^__Host-portcullis_verify=/.test(c) &&
          /HttpOnly/i.test(c) &&
          /Secure/i.test(c) &&
          /SameSite=Lax/i.test(c) &&
          /Path=\//.test(c),
      ),
    ).toBe(true);
  });

  it("portcullis_mfa is __Host-, HttpOnly, Secure, SameSite", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    await enrollTotp(client);
    const r = await submitForm(ctx.client(), "/auth/sign-in", { email, password: STRONG_PASSWORD });
    expect(r.status).toBe(303);
    const cookies = setCookies(r);
    expect(
      cookies.some(
        (c: string) =>
          /^__Host-portcullis_mfa=/.test(c) && /HttpOnly/i.test(c) && /Secure/i.test(c) && /SameSite=Lax/i.test(c),
      ),
    ).toBe(true);
  });
});

describe("enumeration, byte by byte", () => {
  it("forgot-password: known and unknown answer the same headers and cookies", async () => {
    const known = uniqueEmail("known");
    await signUpBrowser(ctx, known);
    const unknown = uniqueEmail("unknown");
    const a = shape(await submitForm(ctx.client(), "/auth/forgot-password", { email: known }), known);
    const b = shape(await submitForm(ctx.client(), "/auth/forgot-password", { email: unknown }), unknown);
    expect(a).toEqual(b);
  });

  it("sign-up (verification on): new and taken answer the same headers and cookies", async () => {
    const taken = uniqueEmail("taken");
    await submitForm(strict.client(), "/auth/sign-up", { email: taken, password: STRONG_PASSWORD });
    const fresh = uniqueEmail("fresh");
    const a = shape(
      await submitForm(strict.client(), "/auth/sign-up", { email: taken, password: STRONG_PASSWORD }),
      taken,
    );
    const b = shape(
      await submitForm(strict.client(), "/auth/sign-up", { email: fresh, password: STRONG_PASSWORD }),
      fresh,
    );
    expect(a).toEqual(b);
  });

  it("resend: unknown, unverified and verified answer the same", async () => {
    const unverified = uniqueEmail("unv");
    await submitForm(strict.client(), "/auth/sign-up", { email: unverified, password: STRONG_PASSWORD });
    const verified = uniqueEmail("ver");
    await submitForm(strict.client(), "/auth/sign-up", { email: verified, password: STRONG_PASSWORD });
    await strict.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [verified]);
    const unknown = uniqueEmail("unk");
    const answers = [];
    for (const email of [unverified, verified, unknown])
      answers.push(shape(await submitForm(strict.client(), "/auth/verify-email/resend", { email }), email));
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toEqual(answers[2]);
  });

  it("verify code: wrong code for known, any for unknown, same page", async () => {
    const known = uniqueEmail("kc");
    await submitForm(strict.client(), "/auth/sign-up", { email: known, password: STRONG_PASSWORD });
    const unknown = uniqueEmail("uc");
    const pages = [];
    for (const email of [known, unknown]) {
      const r = await submitForm(strict.client(), "/auth/verify-email", { email, code: "123456" });
      const s = shape(r, email);
      const html = (await r.text())
        .replaceAll(email, "<e>")
        .replace(/nonce="[^"]+"/g, "")
        .replace(/data-request-id="[^"]*"/g, "");
      pages.push({ ...s, html });
    }
    expect(pages[0]).toEqual(pages[1]);
  });
});

describe("sign-in enumeration, byte by byte", () => {
  it("a wrong password for a known address reads exactly as any password for an unknown one", async () => {
    const known = uniqueEmail("known-in");
    await signUpBrowser(ctx, known);
    const unknown = uniqueEmail("unknown-in");
    const answers = [];
    for (const email of [known, unknown]) {
      const response = await submitForm(ctx.client(), "/auth/sign-in", { email, password: "not the password 1" });
      const html = (await response.text()).replaceAll(email, "<e>").replace(/nonce="[^"]+"/g, "");
      answers.push({ ...shape(response, email), html });
    }
    expect(answers[0]?.status).toBe(401);
    expect(answers[0]).toEqual(answers[1]);
  });
});

describe("codes and caching", () => {
  it("error pages carry the page headers too", async () => {
    const r = await submitForm(
      ctx.client(),
      "/auth/sign-in",
      { email: "a@b.c", password: "x" },
      { origin: "https://evil.example" },
    );
    expect(r.status).toBe(403);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(r.headers.get("content-type")).toContain("text/html");
  });

  it("the security page never shows recovery codes again after they were shown", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    const { recoveryCodes } = await enrollTotp(client);
    const page = await client.request("/auth/account/security");
    const html = await page.text();
    for (const code of recoveryCodes) expect(html).not.toContain(code);
    expect(page.headers.get("cache-control")).toBe("no-store");
  });
});
