// Exploratory probes (independent review): each expectation is what a secure page must do.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const REDIRECTS = [
  "https://evil.example/",
  "//evil.example",
  "/\\evil.example",
  "/%5Cevil.example",
  "/%5cevil.example",
  "/%2F%2Fevil.example",
  "/%2f/evil.example",
  "/.//evil.example",
  "/x/..//evil.example",
  "/%2e%2e//evil.example",
  "/%2e//evil.example",
  "javascript:alert(1)",
  "/\r\nSet-Cookie: x=y",
  "/%0d%0aSet-Cookie:%20x=y",
  "/\t/evil.example",
  "/%09/evil.example",
  " //evil.example",
  "/%252F%252Fevil.example",
  "/%25252F%25252Fevil.example",
  `/${"a".repeat(5000)}`,
  "\\\\evil.example",
  "/\u3002/evil.example",
  "/\uff0f/evil.example",
  "/%ef%bc%8f/evil.example",
  "/..%2f..%2f/evil.example",
  "/.%2e//evil.example",
];

function isSameOrigin(location: string | null): boolean {
  if (location === null) return false;
  if (!location.startsWith("/") || location.startsWith("//") || location.includes("\\")) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point
  if (/[\u0000-\u001f]/.test(location)) return false;
  return new URL(location, "https://gw.example").origin === "https://gw.example";
}

describe("open redirect on sign-in", () => {
  it("never redirects off-site", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    const bad: string[] = [];
    for (const target of REDIRECTS) {
      const response = await submitForm(ctx.client(), "/auth/sign-in", {
        email,
        password: STRONG_PASSWORD,
        return_to: target,
      });
      const location = response.headers.get("location");
      if (response.status !== 303 || !isSameOrigin(location))
        bad.push(`${JSON.stringify(target)} -> ${response.status} ${location}`);
      // decode once more, as a downstream hop would
      try {
        if (location && !isSameOrigin(decodeURIComponent(location)))
          bad.push(`decoded ${JSON.stringify(target)} -> ${location}`);
      } catch {}
    }
    expect(bad).toEqual([]);
  });
});

const POSTS = [
  "/auth/sign-in",
  "/auth/sign-out",
  "/auth/sign-up",
  "/auth/verify-email",
  "/auth/verify-email/resend",
  "/auth/forgot-password",
  "/auth/reset-password",
  "/auth/account/security/totp/enroll",
  "/auth/account/security/totp/confirm",
  "/auth/account/security/totp/disable",
  "/auth/account/security/recovery-codes",
  "/auth/account/security/passkeys",
  "/auth/account/security/passkeys/options",
  "/auth/account/security/passkeys/x/rename",
  "/auth/account/security/passkeys/x/remove",
  "/auth/reset-password/passkey-options",
];
const HEADER_SETS: Array<[string, { origin: string | null; headers?: Record<string, string> }]> = [
  ["no origin", { origin: null }],
  ["null origin", { origin: "null" }],
  ["null origin cross-site fetch", { origin: "null", headers: { "sec-fetch-site": "cross-site" } }],
  ["evil origin", { origin: "https://evil.example" }],
  ["same-site fetch", { origin: null, headers: { "sec-fetch-site": "same-site" } }],
  ["cross-site fetch", { origin: null, headers: { "sec-fetch-site": "cross-site" } }],
  ["none fetch", { origin: null, headers: { "sec-fetch-site": "none" } }],
  ["origin with path", { origin: "http://localhost/" }],
  ["origin other port", { origin: "http://localhost:8787" }],
  ["origin https", { origin: "https://localhost" }],
];

describe("CSRF", () => {
  it("refuses every cross-site POST with or without a session, changing nothing", async () => {
    const email = uniqueEmail();
    const signedIn = await signUpBrowser(ctx, email);
    const bad: string[] = [];
    const before = await ctx.snapshot();
    for (const client of [ctx.client(), signedIn]) {
      for (const path of POSTS) {
        for (const [label, options] of HEADER_SETS) {
          const response = await submitForm(client, path, { email, password: STRONG_PASSWORD }, options);
          if (response.status !== 403) bad.push(`${path} ${label}: ${response.status}`);
        }
      }
    }
    expect(await ctx.snapshot()).toEqual(before);
    expect(bad).toEqual([]);
  }, 120_000);
});

describe("bodies", () => {
  it("answers wrong content types, huge bodies and NUL bytes without a 500", async () => {
    const bad: string[] = [];
    for (const path of [
      "/auth/sign-in",
      "/auth/sign-up",
      "/auth/forgot-password",
      "/auth/verify-email",
      "/auth/reset-password",
    ]) {
      for (const type of [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json",
        "application/x-www-form-urlencodedx",
        "",
      ]) {
        const r = await ctx
          .client()
          .request(path, { method: "POST", body: "email=a%40b.c&password=x", headers: { "content-type": type } });
        if (r.status !== 415 || !(r.headers.get("content-type") ?? "").includes("text/html"))
          bad.push(`${path} ${type}: ${r.status}`);
      }
      const huge = await submitForm(ctx.client(), path, { email: "a@b.c", password: "x".repeat(2_000_000) });
      if (huge.status !== 413) bad.push(`${path} huge: ${huge.status}`);
      const nul = await submitForm(ctx.client(), path, {
        email: "a\u0000@example.com",
        password: "p\u0000ss",
        name: "\u0000",
        token: "\u0000",
        code: "\u0000",
        totp: "\u0000",
      });
      if (nul.status >= 500) bad.push(`${path} nul: ${nul.status}`);
      const badPct = await ctx.client().request(path, {
        method: "POST",
        body: "email=%E0%A4%A&password=%",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      if (badPct.status >= 500) bad.push(`${path} bad percent: ${badPct.status}`);
    }
    expect(bad).toEqual([]);
  });
});

describe("XSS", () => {
  it("escapes reflected values", async () => {
    const payload = `"'><script>alert(1)</script><img src=x onerror=alert(1)>`;
    const bad: string[] = [];
    for (const path of [
      "/auth/sign-in",
      "/auth/sign-up",
      "/auth/forgot-password",
      "/auth/verify-email",
      "/auth/verify-email/resend",
      "/auth/reset-password",
    ]) {
      const r = await submitForm(ctx.client(), path, {
        email: payload,
        name: payload,
        return_to: `/${payload}`,
        code: payload,
        token: payload,
      });
      const page = await readPage(r);
      if (page.html.includes("<script>alert") || page.html.includes("<img src=x") || page.inlineHandlers.length)
        bad.push(path);
    }
    for (const path of [
      "/auth/sign-in",
      "/auth/sign-up",
      "/auth/forgot-password",
      "/auth/verify-email",
      "/auth/reset-password",
      "/auth/verify-email?verified=1",
      "/auth/forgot-password?sent=1",
      "/auth/reset-password?done=1",
    ]) {
      const sep = path.includes("?") ? "&" : "?";
      const r = await ctx
        .client()
        .request(`${path}${sep}return_to=${encodeURIComponent(`/${payload}`)}&token=${encodeURIComponent(payload)}`);
      const page = await readPage(r);
      if (page.html.includes("<script>alert") || page.html.includes("<img src=x") || page.inlineHandlers.length)
        bad.push(path);
    }
    expect(bad).toEqual([]);
  });
});
