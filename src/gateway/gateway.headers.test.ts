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
import { type Echo, newProbe, originSaw } from "../../test/helpers/gateway.ts";
import { claimsOf } from "../../test/helpers/tokens.ts";

const b64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

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

  it("app credentials: an app's own RFC 9068 token (at+jwt, another IdP's alg, kid and iss) is the app's", async () => {
    const browser = await signUpBrowser(ctx);
    const foreign = [
      `${b64url({ alg: "RS256", typ: "at+jwt", kid: "idp-key-1" })}.${b64url({ iss: "https://idp.example", sub: "x" })}.c2ln`,
      // Our algorithm but another IdP's kid and issuer: still not ours.
      `${b64url({ alg: "ES256", typ: "at+jwt", kid: "idp-key-2" })}.${b64url({ iss: "https://idp.example" })}.c2ln`,
    ];
    for (const token of foreign) {
      const response = await browser.request("/items/1", { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      const echo = (await response.json()) as Echo;
      expect(echo.headers.authorization).toBe(`Bearer ${token}`);
      expect(echo.assertion).toMatchObject({ ok: true, claims: { auth_src: "cookie" } });
    }
  });

  it("app credentials: a forgery naming our kid and issuer is still taken for ours, refused and not forwarded", async () => {
    const browser = await signUpBrowser(ctx);
    const api = await signUpApi(ctx);
    const [header, payload] = api.accessToken.split(".");
    const probe = newProbe();
    const response = await browser.request("/items/1", {
      headers: { authorization: `Bearer ${header}.${payload}.c2ln`, "x-test-probe": probe },
    });
    expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([401, "unauthenticated"]);
    expect(await originSaw(probe)).toBe(false);
  });

  it("app credentials: a combined Authorization header (Basic x, Bearer <ours>) never carries our token to the origin", async () => {
    const api = await signUpApi(ctx);
    const browser = await signUpBrowser(ctx);
    for (const order of [
      ["Basic dXNlcjpwYXNz", `Bearer ${api.accessToken}`],
      [`Bearer ${api.accessToken}`, "Basic dXNlcjpwYXNz"],
    ]) {
      const headers = new Headers();
      for (const value of order) headers.append("authorization", value);
      // Not one credential: without a cookie there is no session (401) ...
      const alone = await ctx.worker.fetch("/items/1", { headers });
      expect([alone.status, ((await alone.json()) as ErrorBody).error.code]).toEqual([401, "unauthenticated"]);
      // ... a public route gets no Authorization at all ...
      const open = (await (await ctx.worker.fetch("/public/x", { headers })).json()) as Echo;
      expect(JSON.stringify(open.headers)).not.toContain(api.accessToken);
      expect(open.headers.authorization).toBeUndefined();
      // ... and with a cookie the cookie's session applies, our token still stripped.
      const withCookie = await browser.request("/items/1", {
        headers: { authorization: headers.get("authorization") ?? "" },
      });
      expect(withCookie.status).toBe(200);
      const echo = (await withCookie.json()) as Echo;
      expect(JSON.stringify(echo.headers)).not.toContain(api.accessToken);
      expect(echo.assertion).toMatchObject({
        ok: true,
        claims: { auth_src: "cookie", sid: claimsOf(browser.cookies.get("__Host-portcullis_at") ?? "").sid },
      });
    }
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
  it("strips URL, method, host, client-IP and remote-user override headers (Client-IP, Remote-User, ...) in any case or with underscores", async () => {
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
      "Client-IP",
      "X-Originating-IP",
      "X-Remote-IP",
      "X-Remote-Addr",
      "X-ProxyUser-Ip",
      "X-Remote-User",
      "Remote-User",
    ];
    const headers = new Headers();
    for (const name of names) {
      headers.append(name, "/backoffice");
      headers.append(name.toLowerCase().replaceAll("-", "_"), "/backoffice");
      headers.append(name.toUpperCase(), "/backoffice");
    }
    const echo = (await (await ctx.worker.fetch("/public/x", { headers })).json()) as Echo;
    const received = echo.rawHeaderNames.map((name) => name.toLowerCase().replaceAll("_", "-"));
    for (const name of names) expect(received, name).not.toContain(name.toLowerCase());
  });
});

describe("the forwarded host is the canonical host", () => {
  it("H2: X-Forwarded-Host and Forwarded host= carry the matched host, not the client's spelling", async () => {
    const api = await signUpApi(ctx);
    const cases: Array<[string, string | undefined]> = [
      ["http://LOCALHOST/items/1", undefined],
      ["http://localhost./items/1", undefined],
      ["http://LocalHost.:80/items/1", undefined],
      ["http://localhost:8443/items/1", "8443"],
    ];
    for (const [url, port] of cases) {
      const response = await ctx.worker.fetch(url, { headers: { authorization: `Bearer ${api.accessToken}` } });
      expect([url, response.status]).toEqual([url, 200]);
      const echo = (await response.json()) as Echo;
      expect([url, echo.headers["x-forwarded-host"], echo.headers["x-forwarded-port"]]).toEqual([
        url,
        "localhost",
        port,
      ]);
      expect(echo.headers.forwarded).toMatch(/;host="localhost"$/);
    }
  });
});
