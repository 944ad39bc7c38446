// Branding from config: validated at the boundary, shown on every page, never a way into the markup.
import { describe, expect, it } from "vitest";
import { setUpAuthTest } from "../../../test/helpers/auth.ts";
import { testEnv } from "../../../test/helpers/env.ts";
import { readPage } from "../../../test/helpers/html.ts";
import { ConfigError, loadConfig } from "../../config/index.ts";

const base = {
  AUTH_KV: testEnv.AUTH_KV,
  ISSUER: "https://auth.example.com/",
  AUTH_SECRET: testEnv.AUTH_SECRET,
  SIGNING_KEYS: testEnv.SIGNING_KEYS,
  MAIL_HTTP_URL: "https://mail.example.com/send",
  DATABASE_URL: "postgres://u:p@db.example.com/app",
};

describe("branding settings", () => {
  it("defaults to Portcullis with an indigo accent and no logo", () => {
    expect(loadConfig({ ...base }).brand).toEqual({ name: "Portcullis", logoUrl: undefined, accentColor: "#4f46e5" });
  });

  it.each([
    ["BRAND_ACCENT_COLOR", "red"],
    ["BRAND_ACCENT_COLOR", "#12345"],
    ["BRAND_ACCENT_COLOR", "#fff;}body{display:none"],
    ["BRAND_LOGO_URL", "http://cdn.example.com/logo.svg"],
    ["BRAND_LOGO_URL", "//cdn.example.com/logo.svg"],
    ["BRAND_LOGO_URL", "javascript:alert(1)"],
    ["BRAND_LOGO_URL", 'https://cdn.example.com/a"onerror="x'],
    ["BRAND_NAME", "<script>"],
    ["BRAND_NAME", ""],
  ])("refuses %s=%j and names the variable", (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(new RegExp(name));
  });

  it("accepts an https logo, a same-origin logo path and #rgb colours", () => {
    expect(loadConfig({ ...base, BRAND_LOGO_URL: "/logo.svg", BRAND_ACCENT_COLOR: "#0A0" }).brand).toMatchObject({
      logoUrl: "/logo.svg",
      accentColor: "#0a0",
    });
    expect(loadConfig({ ...base, BRAND_LOGO_URL: "https://cdn.example.com/l.png" }).brand.logoUrl).toBe(
      "https://cdn.example.com/l.png",
    );
  });
});

describe("branded pages", () => {
  it("show the name and logo, allow the logo's origin in img-src, and put the accent in the stylesheet", async () => {
    const ctx = await setUpAuthTest({
      BRAND_NAME: "Acme & Co",
      BRAND_LOGO_URL: "https://cdn.example.com/logo.svg",
      BRAND_ACCENT_COLOR: "#ffcc00",
    });
    const response = await ctx.client().request("/auth/sign-in");
    expect(response.headers.get("content-security-policy")).toContain("img-src 'self' data: https://cdn.example.com");
    const page = await readPage(response);
    expect(page.h1).toBe("Sign in to Acme & Co");
    expect(page.title).toBe("Sign in · Acme & Co");
    expect(page.html).toContain("Acme &amp; Co");
    expect(page.html).toContain('<img src="https://cdn.example.com/logo.svg" alt=""');
    const href = /href="(\/auth\/assets\/styles\.[0-9a-f]{16}\.css)"/.exec(page.html)?.[1] ?? "";
    const css = await (await ctx.client().request(href)).text();
    // A light accent gets black text on buttons, for contrast (WCAG 1.4.3).
    expect(css).toContain("--accent:#ffcc00;--on-accent:#000");
  });

  it("chooses the catalog by Accept-Language and falls back to English", async () => {
    const ctx = await setUpAuthTest();
    const response = await ctx.client().request("/auth/sign-in", { headers: { "accept-language": "fr-CH, de;q=0.8" } });
    expect(response.headers.get("content-language")).toBe("en");
    const page = await readPage(response);
    expect(page.html).toContain('<html lang="en" data-theme="system">');
    expect(page.h1).toBe("Sign in to Portcullis");
  });
});
