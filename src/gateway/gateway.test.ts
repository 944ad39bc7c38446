// The gateway end to end: a real origin on 127.0.0.1 behind the route table in vitest.config.ts.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
} from "../../test/helpers/auth.ts";
import { setCookieHeaders } from "../../test/helpers/client.ts";
import type { Echo } from "../../test/helpers/gateway.ts";

let ctx: AuthTestContext;
let api: Awaited<ReturnType<typeof signUpApi>>;
beforeAll(async () => {
  ctx = await setUpAuthTest();
  api = await signUpApi(ctx);
});

const call = (path: string, init: RequestInit = {}) => ctx.worker.fetch(path, init);
const asUser = (path: string, init: RequestInit = {}) =>
  call(path, {
    ...init,
    headers: { authorization: `Bearer ${api.accessToken}`, ...(init.headers as Record<string, string>) },
  });

describe("gateway: identity to the origin", () => {
  it("forwards an authenticated request with identity headers and an assertion any JWT library verifies", async () => {
    const response = await asUser("/items/7?color=red", { headers: { "cf-connecting-ip": "203.0.113.9" } });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.url).toBe("/items/7?color=red");
    expect(echo.headers["x-auth-email"]).toBe(api.email);
    expect(echo.headers["x-auth-session-id"]).toBe(api.id);
    expect(echo.headers["x-auth-email-verified"]).toBe("false");
    expect(echo.headers["x-auth-amr"]).toBe("pwd");
    expect(echo.headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect(echo.headers.forwarded).toBe('for="203.0.113.9";proto=http;host="localhost"');
    // Verified by jsonwebtoken in the origin: signature, iss, aud, typ, method and path.
    expect(echo.assertion).toMatchObject({
      ok: true,
      claims: { aud: "app", sid: api.id, htm: "GET", htp: "/items/7", email: api.email },
    });
    const claims = (echo.assertion as unknown as { claims: { exp: number; iat: number } }).claims;
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(60);
  });

  it("never passes the gateway's credentials on: no bearer access token, no session cookies", async () => {
    const browser = await signUpBrowser(ctx);
    browser.cookies.set("app_pref", "dark");
    const response = await browser.request("/dashboard");
    const echo = (await response.json()) as Echo;
    expect(echo.headers.cookie).toBe("app_pref=dark");
    expect(echo.assertion).toMatchObject({ ok: true });
    const bearer = (await (await asUser("/x")).json()) as Echo;
    expect(bearer.headers.authorization).toBeUndefined();
  });

  it("strips every spoofed identity and forwarding header, whatever its case or underscores", async () => {
    const spoofed = {
      "X-Auth-User-Id": "attacker",
      "x-auth-email": "ceo@example.com",
      X_Auth_Roles: "admin",
      "X-AUTH-ASSERTION": "forged.jwt.value",
      x_auth_tenant: "other",
      Forwarded: "for=1.2.3.4",
      "X-Forwarded-For": "1.2.3.4",
      "X-Forwarded-Host": "evil.example.com",
      "X-Original-URL": "/backoffice",
      "X-Real-IP": "1.2.3.4",
    };
    for (const target of ["/public/page", "/items/1"]) {
      const response = await asUser(target, { headers: spoofed });
      const echo = (await response.json()) as Echo;
      const names = echo.rawHeaderNames.map((name) => name.toLowerCase().replaceAll("_", "-"));
      expect(names).not.toContain("x-original-url");
      expect(names).not.toContain("x-real-ip");
      expect(echo.headers["x-forwarded-host"]).toBe("localhost");
      expect(echo.headers["x-forwarded-for"]).not.toBe("1.2.3.4");
      if (target.startsWith("/public")) {
        expect(names.filter((name) => name.startsWith("x-auth-"))).toEqual([]);
      } else {
        expect(echo.headers["x-auth-user-id"]).not.toBe("attacker");
        expect(echo.headers["x-auth-email"]).toBe(api.email);
        expect(echo.headers["x-auth-roles"]).toBe("");
        expect(echo.headers["x-auth-tenant"]).toBeUndefined();
        expect(echo.assertion).toMatchObject({ ok: true });
      }
    }
  });

  it("strips duplicated spoofed headers too", async () => {
    const headers = new Headers([
      ["X-Auth-User-Id", "attacker-1"],
      ["x-auth-user-id", "attacker-2"],
      ["authorization", `Bearer ${api.accessToken}`],
    ]);
    const echo = (await (await call("/items/2", { headers })).json()) as Echo;
    expect(echo.headers["x-auth-user-id"]).toBe((echo.assertion as unknown as { claims: { sub: string } }).claims.sub);
    expect(echo.rawHeaderNames.filter((name) => name.toLowerCase() === "x-auth-user-id")).toHaveLength(1);
  });

  it("sends the origin its own Host, and the client's in X-Forwarded-Host", async () => {
    const echo = (await (await call("/public/x", { headers: { host: "spoofed.example.com" } })).json()) as Echo;
    expect(echo.headers.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(echo.headers["x-forwarded-host"]).toBe("localhost");
  });

  it("binds the assertion to the method and the path the origin receives (prefix stripped)", async () => {
    const response = await asUser("/svc/orders?page=2", {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    const echo = (await response.json()) as Echo;
    expect(echo.url).toBe("/base/orders?page=2");
    expect(echo.assertion).toMatchObject({ ok: true, claims: { aud: "svc", htm: "POST", htp: "/base/orders" } });
  });
});

describe("gateway: policies", () => {
  it("forwards a public route without identity, even for a signed-in caller", async () => {
    const echo = (await (await asUser("/public/info")).json()) as Echo;
    expect(echo.assertion).toBeNull();
    expect(echo.headers["x-auth-user-id"]).toBeUndefined();
  });

  it("answers an API caller without a session with 401 and WWW-Authenticate", async () => {
    const response = await call("/items/1", { headers: { accept: "application/json" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(((await response.json()) as ErrorBody).error.code).toBe("unauthenticated");
  });

  it("sends a browser navigation to sign-in with a return_to", async () => {
    const response = await call("/reports/q3?x=1", { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/auth/sign-in?return_to=${encodeURIComponent("/reports/q3?x=1")}`);
  });

  it("refuses a caller without the route's role with 403 forbidden", async () => {
    const response = await asUser("/backoffice/users");
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe("forbidden");
  });

  it("refuses a revoked session at once", async () => {
    const other = await signUpApi(ctx);
    const headers = { authorization: `Bearer ${other.accessToken}` };
    expect((await call("/items/1", { headers })).status).toBe(200);
    await ctx.client().request("/auth/logout", { method: "POST", bearer: other.accessToken, origin: null });
    expect((await call("/items/1", { headers })).status).toBe(401);
  });

  it("never proxies the gateway's own paths and denies unmatched hosts", async () => {
    expect((await asUser("/auth/nonexistent")).status).toBe(404);
    expect((await asUser("/.well-known/other")).status).toBe(404);
    const otherHost = await ctx.worker.fetch("http://unknown.example.com/items", {
      headers: { authorization: `Bearer ${api.accessToken}` },
    });
    expect([otherHost.status, ((await otherHost.json()) as ErrorBody).error.code]).toEqual([404, "not_found"]);
  });
});

describe("gateway: transparent refresh", () => {
  it("refreshes an expired access cookie at the edge, continues the request and sets new cookies", async () => {
    const browser = await signUpBrowser(ctx);
    browser.cookies.delete("__Host-portcullis_at");
    const before = browser.cookies.get("__Host-portcullis_rt");
    const response = await browser.request("/items/9");
    expect(response.status).toBe(200);
    expect(((await response.json()) as Echo).assertion).toMatchObject({ ok: true });
    expect(browser.cookies.get("__Host-portcullis_rt")).not.toBe(before);
    expect(browser.cookies.has("__Host-portcullis_at")).toBe(true);
  });

  it("lets concurrent requests with the same expired cookie all through without tripping reuse detection", async () => {
    const browser = await signUpBrowser(ctx);
    browser.cookies.delete("__Host-portcullis_at");
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const responses = await Promise.all(Array.from({ length: 4 }, () => call("/items/1", { headers: { cookie } })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const refreshTokens = new Set(
      responses.flatMap((r) =>
        setCookieHeaders(r)
          .filter((c) => c.startsWith("__Host-portcullis_rt="))
          .map((c) => c.split(";")[0]),
      ),
    );
    expect(refreshTokens.size).toBe(1);
    expect(await ctx.sql("SELECT 1 FROM sessions WHERE revoke_reason = 'refresh_token_reused'")).toEqual([]);
  });
});

describe("gateway: forwarding fidelity", () => {
  it("passes status, headers and several Set-Cookie headers through", async () => {
    const response = await asUser("/status/418");
    expect(response.status).toBe(418);
    expect(response.headers.get("x-origin")).toBe("echo");
    expect(setCookieHeaders(response)).toEqual(["origin_a=1; Path=/", "origin_b=2; Path=/; HttpOnly"]);
  });

  it("streams a 10 MB body to the origin intact", async () => {
    const body = new Uint8Array(10 * 1024 * 1024).map((_, i) => i % 251);
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", body)), (b) =>
      b.toString(16).padStart(2, "0"),
    ).join("");
    const response = await asUser("/upload", { method: "PUT", body });
    const echo = (await response.json()) as Echo;
    expect(echo.bodyLength).toBe(body.length);
    expect(echo.bodySha256).toBe(digest);
  });

  it("streams the origin's response", async () => {
    const streamed = await asUser("/stream");
    expect(await streamed.text()).toBe("chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n");
  });

  it("answers 504 origin_timeout when the origin is too slow, and 502 origin_unreachable when it is down", async () => {
    const slow = await call("/slow/report");
    expect([slow.status, ((await slow.json()) as ErrorBody).error.code]).toEqual([504, "origin_timeout"]);
    const dead = await call("/dead/anything");
    expect([dead.status, ((await dead.json()) as ErrorBody).error.code]).toEqual([502, "origin_unreachable"]);
  });

  it("upgrades a WebSocket through to the origin and echoes messages", async () => {
    const response = await asUser("/ws", { headers: { upgrade: "websocket" } });
    expect(response.status).toBe(101);
    const socket = response.webSocket;
    if (!socket) throw new Error("no WebSocket in the response");
    socket.accept();
    const reply = new Promise<string>((resolve) =>
      socket.addEventListener("message", (event) => resolve(String(event.data))),
    );
    socket.send("hello");
    expect(await reply).toBe("echo: hello");
    socket.close();
  });
});
