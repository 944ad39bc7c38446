// The sign-in page: the form, its headers, errors next to fields, the same rules as POST /auth/login.
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

describe("GET /auth/sign-in", () => {
  it("shows the form with autocomplete tokens for password managers and passkey autofill", async () => {
    const page = await readPage(await ctx.client().request("/auth/sign-in?return_to=%2Fdocs%3Fa%3D1"));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Sign in to Portcullis");
    expect(inputNamed(page, "email")?.attributes.autocomplete).toBe("username webauthn");
    expect(inputNamed(page, "password")?.attributes.autocomplete).toBe("current-password");
    expect(inputNamed(page, "return_to")?.attributes.value).toBe("/docs?a=1");
    expect(page.forms[0]?.attributes).toMatchObject({ method: "post", action: "/auth/sign-in" });
    const hrefs = page.links.map((link) => link.attributes.href);
    expect(hrefs).toContain("/auth/forgot-password?return_to=%2Fdocs%3Fa%3D1");
    expect(hrefs).toContain("/auth/sign-up?return_to=%2Fdocs%3Fa%3D1");
    expect(page.inlineHandlers).toEqual([]);
  });

  it("sends a strict nonce CSP, refuses framing, and forbids caching and referrers", async () => {
    const response = await ctx.client().request("/auth/sign-in");
    const csp = response.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(csp).toBe(
      `default-src 'none'; script-src 'nonce-${nonce}' 'strict-dynamic'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const again = await ctx.client().request("/auth/sign-in");
    expect(again.headers.get("content-security-policy")).not.toContain(nonce);
  });

  it("serves the stylesheet it links under a content hash, cacheable for a year", async () => {
    const page = await readPage(await ctx.client().request("/auth/sign-in"));
    const href = /href="(\/auth\/assets\/styles\.[0-9a-f]{16}\.css)"/.exec(page.html)?.[1] ?? "";
    const css = await ctx.client().request(href);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await css.text()).toContain("prefers-color-scheme:dark");
    const stale = await ctx.client().request("/auth/assets/styles.0000000000000000.css");
    expect(stale.status).toBe(404);
  });

  it("never keeps an unsafe return_to (open redirect)", async () => {
    for (const target of ["https://evil.example/", "//evil.example", "/\\evil.example", "/.//evil.example"]) {
      const page = await readPage(await ctx.client().request(`/auth/sign-in?return_to=${encodeURIComponent(target)}`));
      expect(inputNamed(page, "return_to")).toBeUndefined();
    }
  });

  it("sends a signed-in browser straight on to return_to", async () => {
    const client = await signUpBrowser(ctx);
    const response = await client.request("/auth/sign-in?return_to=%2Fhome");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/home");
  });

  it("hands the gateway's step-up redirect to the reauthenticate page", async () => {
    const response = await ctx.client().request("/auth/sign-in?return_to=%2Fsensitive&step_up=1");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/auth/reauthenticate?return_to=%2Fsensitive");
  });
});

describe("POST /auth/sign-in", () => {
  it("signs in with session cookies and redirects (303) to the validated return_to", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    const client = ctx.client();
    const response = await submitForm(client, "/auth/sign-in", {
      email,
      password: STRONG_PASSWORD,
      return_to: "/docs",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/docs");
    expect(client.cookies.has("__Host-portcullis_at")).toBe(true);
    expect(client.cookies.has("__Host-portcullis_rt")).toBe(true);
    const session = await client.request("/auth/session");
    expect(session.status).toBe(200);
  });

  it("shows a wrong password as one form error, keeps the email and never echoes the password", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    const before = await ctx.snapshot();
    const client = ctx.client();
    const page = await readPage(
      await submitForm(client, "/auth/sign-in", { email, password: "not the password at all" }),
    );
    expect(page.status).toBe(401);
    expect(page.summary).toEqual(["The email or password is incorrect."]);
    expect(inputNamed(page, "email")?.attributes.value).toBe(email);
    expect(inputNamed(page, "password")?.attributes.value).toBeUndefined();
    expect(page.html).not.toContain("not the password at all");
    expect(client.cookies.size).toBe(0);
    const after = await ctx.snapshot();
    expect(after.sessions).toBe(before.sessions);
  });

  it("answers an unknown address exactly as a wrong password", async () => {
    const page = await readPage(
      await submitForm(ctx.client(), "/auth/sign-in", { email: uniqueEmail("nobody"), password: "whatever 12345" }),
    );
    expect(page.status).toBe(401);
    expect(page.summary).toEqual(["The email or password is incorrect."]);
  });

  it("puts missing and malformed fields next to their inputs, linked for screen readers", async () => {
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(ctx.client(), "/auth/sign-in", { email: "not-an-email" }));
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual({
      email: "Enter an email address like name@example.com.",
      password: "Enter your password.",
    });
    expect(page.summary).toEqual(["Enter an email address like name@example.com.", "Enter your password."]);
    expect(inputNamed(page, "email")?.attributes).toMatchObject({
      "aria-invalid": "true",
      "aria-describedby": "email-error",
    });
    expect(page.html).toMatch(/<div class="summary" role="alert" tabindex="-1" autofocus/);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("refuses a cross-site form post (login CSRF) with an error page and no session", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    const before = await ctx.snapshot();
    const client = ctx.client();
    const response = await submitForm(
      client,
      "/auth/sign-in",
      { email, password: STRONG_PASSWORD },
      { origin: "https://evil.example" },
    );
    const page = await readPage(response);
    expect(page.status).toBe(403);
    expect(page.html).toContain('data-error-code="csrf_rejected"');
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(client.cookies.size).toBe(0);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("refuses a post without Origin or Sec-Fetch-Site", async () => {
    const response = await submitForm(
      ctx.client(),
      "/auth/sign-in",
      { email: "a@b.co", password: "x" },
      { origin: null },
    );
    expect(response.status).toBe(403);
  });

  it("refuses a JSON or multipart body with 415 as a page", async () => {
    const response = await ctx.client().request("/auth/sign-in", {
      method: "POST",
      body: JSON.stringify({ email: "a@b.co", password: "x" }),
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(415);
    expect(response.headers.get("content-type")).toContain("text/html");
  });

  it("refuses an oversize body with 413", async () => {
    const response = await submitForm(ctx.client(), "/auth/sign-in", { email: "a@b.co", password: "x".repeat(70_000) });
    expect(response.status).toBe(413);
  });

  it("takes only the first value of a repeated field", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    const client = ctx.client();
    const response = await client.request("/auth/sign-in", {
      method: "POST",
      body: `email=${encodeURIComponent(email)}&password=wrong-password-1&password=${encodeURIComponent(STRONG_PASSWORD)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(401);
  });
});

describe("the passkey script", () => {
  it("is one same-origin module with the response's nonce, hashed and cacheable for a year", async () => {
    const response = await ctx.client().request("/auth/sign-in");
    const nonce = /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1];
    const page = await readPage(response);
    expect(page.scripts).toHaveLength(1);
    const script = page.scripts[0]?.attributes ?? {};
    expect(script.nonce).toBe(nonce);
    expect(script.src).toMatch(/^\/auth\/assets\/passkeys\.[0-9a-f]{16}\.js$/);
    const asset = await ctx.client().request(script.src ?? "");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await asset.text()).length).toBeGreaterThan(100);
  });
});
