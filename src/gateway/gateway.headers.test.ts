// Issue 10: the app's own Authorization header passes the gateway, every response and the origin share
// one X-Request-Id, and URL, method, host and client-IP override headers never reach an origin.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
} from "../../test/helpers/auth.ts";
import type { Echo } from "../../test/helpers/gateway.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("the gateway passes the app's own credentials", () => {
  it("a browser session that also sends Authorization: Basic (or an app's own bearer) reaches the origin with both", async () => {
    const browser = await signUpBrowser(ctx);
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer app-own-token", "Bearer a.b.c", "Digest x"]) {
      const response = await browser.request("/items/1", { headers: { authorization } });
      expect([authorization, response.status]).toEqual([authorization, 200]);
      const echo = (await response.json()) as Echo;
      expect(echo.headers.authorization).toBe(authorization);
      expect(echo.assertion).toMatchObject({ ok: true, claims: { auth_src: "cookie" } });
    }
  });

  it("the gateway's own API reads the cookie session past an app's Authorization header too", async () => {
    const browser = await signUpBrowser(ctx);
    const response = await browser.request("/auth/session", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(response.status).toBe(200);
  });

  it("a Bearer access token of ours still wins over the cookie and is never forwarded", async () => {
    const api = await signUpApi(ctx);
    const response = await ctx.worker.fetch("/items/1", { headers: { authorization: `bearer ${api.accessToken}` } });
    const echo = (await response.json()) as Echo;
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.assertion).toMatchObject({ ok: true, claims: { auth_src: "bearer", sid: api.id } });
  });
});

describe("every response carries X-Request-Id", () => {
  it("a proxied response carries the id the origin received; the client's own is replaced", async () => {
    const api = await signUpApi(ctx);
    const response = await ctx.worker.fetch("/items/1", {
      headers: { authorization: `Bearer ${api.accessToken}`, "x-request-id": "chosen-by-client", X_Request_Id: "x" },
    });
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(REQUEST_ID);
    const echo = (await response.json()) as Echo;
    expect(echo.headers["x-request-id"]).toBe(id);
    expect(echo.rawHeaderNames.filter((name) => /^x[-_]request[-_]id$/i.test(name))).toHaveLength(1);
    const publicRoute = await ctx.worker.fetch("/public/x");
    expect(publicRoute.headers.get("x-request-id")).toBe(((await publicRoute.json()) as Echo).headers["x-request-id"]);
  });

  it("redirects, gateway errors and origin errors carry it (a 101 upgrade: gateway.cookies.test.ts)", async () => {
    const answers = [
      await ctx.worker.fetch("/items/1", { headers: { accept: "text/html" } }),
      await ctx.worker.fetch("/items/1"),
      await ctx.worker.fetch("/dead/x"),
      await ctx.worker.fetch("/slow/x"),
      await ctx.worker.fetch("http://localhost//x"),
    ];
    expect(answers.map((response) => response.status)).toEqual([302, 401, 502, 504, 400]);
    for (const response of answers) expect(response.headers.get("x-request-id")).toMatch(REQUEST_ID);
    const invalid = answers[4] as Response;
    expect(((await invalid.json()) as ErrorBody).error.code).toBe("invalid_path");
  });
});

describe("override headers are stripped on ingress", () => {
  it("strips URL, method, host and client-IP override headers in any case or with underscores", async () => {
    const names = [
      "X-Rewrite-URL",
      "X-Original-URL",
      "X-Override-URL",
      "X-HTTP-Method-Override",
      "X-HTTP-Method",
      "X-Method-Override",
      "X-Host",
      "X-Forwarded-Server",
      "X-Cluster-Client-IP",
      "Fastly-Client-IP",
      "True-Client-IP",
      "CF-Connecting-IPv6",
      "X-Real-IP",
    ];
    const headers = new Headers();
    for (const name of names) {
      headers.append(name, "/admin");
      headers.append(name.toLowerCase().replaceAll("-", "_"), "/admin");
      headers.append(name.toUpperCase(), "/admin");
    }
    const echo = (await (await ctx.worker.fetch("/public/x", { headers })).json()) as Echo;
    const received = echo.rawHeaderNames.map((name) => name.toLowerCase().replaceAll("_", "-"));
    for (const name of names) expect(received, name).not.toContain(name.toLowerCase());
  });
});
