// M4 (issue 10): cookie-authenticated unsafe requests and WebSocket upgrades through the gateway must
// come from an allowed origin; bearer callers, public routes and routes that opt out are not checked.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpApi, signUpBrowser } from "../../test/helpers/auth.ts";
import { type Echo, newProbe, originSaw } from "../../test/helpers/gateway.ts";
import { errorOf } from "../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ TRUSTED_ORIGINS: "https://app.example.com" });
});

describe("M4: CSRF protection on proxied routes", () => {
  it("M4: a cookie-authenticated POST from another origin never reaches the origin", async () => {
    const browser = await signUpBrowser(ctx);
    const attempts: Array<Record<string, string>> = [
      { origin: "https://evil.example.com" },
      { origin: "http://sibling.localhost" },
      { origin: "null" },
      { "sec-fetch-site": "same-site" },
      {},
    ];
    for (const headers of attempts) {
      const probe = newProbe();
      const response = await browser.request("/items/1", {
        method: "POST",
        body: "x",
        origin: null,
        headers: { ...headers, "x-test-probe": probe },
      });
      expect([JSON.stringify(headers), ...(await errorOf(response))]).toEqual([
        JSON.stringify(headers),
        403,
        "csrf_rejected",
      ]);
      expect(await originSaw(probe)).toBe(false);
    }
  });

  it("M4: a cross-site WebSocket upgrade with the session cookie is refused", async () => {
    const browser = await signUpBrowser(ctx);
    const probe = newProbe();
    const response = await browser.request("/ws", {
      headers: { upgrade: "websocket", origin: "https://evil.example.com", "x-test-probe": probe },
    });
    expect(await errorOf(response)).toEqual([403, "csrf_rejected"]);
    expect(await originSaw(probe)).toBe(false);
  });

  it("M4: a refused cross-site request does not refresh the session", async () => {
    const browser = await signUpBrowser(ctx);
    browser.cookies.delete("__Host-portcullis_at");
    const before = await ctx.snapshot();
    const response = await browser.request("/items/1", { method: "DELETE", origin: "https://evil.example.com" });
    expect(await errorOf(response)).toEqual([403, "csrf_rejected"]);
    expect(browser.lastSetCookies).toEqual([]);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("M4: same-origin, allowlisted and Sec-Fetch-Site same-origin requests pass, with auth_src cookie", async () => {
    const browser = await signUpBrowser(ctx);
    const allowed: Array<{ origin: string | null; headers?: Record<string, string> }> = [
      { origin: "http://localhost" },
      { origin: "https://app.example.com" },
      { origin: null, headers: { "sec-fetch-site": "same-origin" } },
    ];
    for (const options of allowed) {
      const response = await browser.request("/items/1", { method: "POST", body: "x", ...options });
      expect(response.status).toBe(200);
      const echo = (await response.json()) as Echo;
      expect(echo.assertion).toMatchObject({ ok: true, claims: { auth_src: "cookie", route: "app" } });
      expect(echo.headers["x-auth-source"]).toBe("cookie");
    }
  });

  it("M4: bearer callers are not checked and the assertion says auth_src bearer", async () => {
    const api = await signUpApi(ctx);
    const response = await ctx.client().request("/items/1", {
      method: "POST",
      body: "x",
      bearer: api.accessToken,
      origin: "https://evil.example.com",
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Echo).assertion).toMatchObject({ ok: true, claims: { auth_src: "bearer" } });
  });

  it("M4: a route with csrf: false and a public route forward cross-site requests", async () => {
    const browser = await signUpBrowser(ctx);
    const optedOut = await browser.request("/self-checked/x", { method: "POST", origin: "https://evil.example.com" });
    expect(optedOut.status).toBe(200);
    expect(((await optedOut.json()) as Echo).assertion).toMatchObject({
      ok: true,
      claims: { auth_src: "cookie", route: "no-csrf" },
    });
    // A public route forwards no identity, so there is nothing to forge.
    const publicRoute = await browser.request("/public/x", { method: "POST", origin: "https://evil.example.com" });
    expect(publicRoute.status).toBe(200);
    expect(((await publicRoute.json()) as Echo).assertion).toBeNull();
  });
});
