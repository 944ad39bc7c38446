// M2 (issue 10): after a refresh at the edge, every response carries the rotated cookies, so the
// browser's next request never presents the old refresh token. And cookie names sent with whitespace
// around them are neither honoured as a session nor forwarded.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, type ErrorBody, setUpAuthTest, signUpBrowser } from "../../test/helpers/auth.ts";
import { setCookieHeaders, type TestClient } from "../../test/helpers/client.ts";
import { type Echo, newProbe, originSaw } from "../../test/helpers/gateway.ts";
import { claimsOf } from "../../test/helpers/tokens.ts";

const AT = "__Host-portcullis_at";
const RT = "__Host-portcullis_rt";
const JSON_ACCEPT = { accept: "application/json" };
const HTML_ACCEPT = { accept: "text/html,application/xhtml+xml" };

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

/** A signed-in browser whose access cookie has expired (gone), so its next request refreshes at the edge. */
async function browserDueForRefresh() {
  const browser = await signUpBrowser(ctx);
  const sessionId = String(claimsOf(browser.cookies.get(AT) ?? "").sid);
  browser.cookies.delete(AT);
  return { browser, sessionId, oldRefreshToken: browser.cookies.get(RT) };
}

/** The response carried a new refresh cookie, and the browser can go on with it: nothing was revoked. */
async function expectRotatedAndUsable(browser: TestClient, sessionId: string, oldRefreshToken: string | undefined) {
  expect(browser.lastSetCookies.map((cookie) => cookie.name).sort()).toEqual([AT, RT]);
  expect(browser.cookies.get(RT)).not.toBe(oldRefreshToken);
  browser.cookies.delete(AT);
  const next = await browser.request("/items/1", { headers: JSON_ACCEPT });
  expect(next.status).toBe(200);
  expect(((await next.json()) as Echo).assertion).toMatchObject({ ok: true });
  const [session] = await ctx.sql<{ revoked_at: Date | null }>("SELECT revoked_at FROM sessions WHERE id = $1", [
    sessionId,
  ]);
  expect(session?.revoked_at).toBeNull();
}

describe("M2: a refresh at the edge never loses its cookies", () => {
  const cases: Array<[string, string, Record<string, string>, number, string | null]> = [
    ["the 403 role answer", "/backoffice/users", JSON_ACCEPT, 403, "forbidden"],
    ["the step-up 401 for an API caller", "/sensitive/x", JSON_ACCEPT, 401, "second_factor_required"],
    ["the step-up redirect for a browser", "/sensitive/x", HTML_ACCEPT, 302, null],
    ["the 502 of a dead origin", "/private-dead/x", JSON_ACCEPT, 502, "origin_unreachable"],
    ["the 504 of a slow origin", "/private-slow/x", JSON_ACCEPT, 504, "origin_timeout"],
  ];
  for (const [what, path, headers, status, code] of cases) {
    it(`M2: ${what} carries the rotated cookies`, async () => {
      const { browser, sessionId, oldRefreshToken } = await browserDueForRefresh();
      const response = await browser.request(path, { headers });
      expect(response.status).toBe(status);
      if (code) expect(((await response.json()) as ErrorBody).error.code).toBe(code);
      expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      await expectRotatedAndUsable(browser, sessionId, oldRefreshToken);
    });
  }

  it("M2: a 101 WebSocket upgrade carries the rotated cookies and the socket still works", async () => {
    const { browser, sessionId, oldRefreshToken } = await browserDueForRefresh();
    const response = await browser.request("/ws", { headers: { upgrade: "websocket", origin: "http://localhost" } });
    expect(response.status).toBe(101);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const socket = response.webSocket;
    if (!socket) throw new Error("no WebSocket in the response");
    socket.accept();
    const reply = new Promise<string>((resolve) =>
      socket.addEventListener("message", (event) => resolve(String(event.data))),
    );
    socket.send("hello");
    expect(await reply).toBe("echo: hello");
    socket.close();
    await expectRotatedAndUsable(browser, sessionId, oldRefreshToken);
  });
});

describe("cookie names with whitespace", () => {
  it("cookie names with spaces: a session cookie whose name carries whitespace is not honoured", async () => {
    const browser = await signUpBrowser(ctx);
    const accessToken = browser.cookies.get(AT) ?? "";
    const refreshToken = browser.cookies.get(RT) ?? "";
    const spellings = [
      `${AT} =${accessToken}`,
      `${AT}\t=${accessToken}`,
      `app=1;  ${AT}=${accessToken}`,
      `app=1;\t${RT}=${refreshToken}`,
    ];
    for (const cookie of spellings) {
      const probe = newProbe();
      const proxied = await ctx.worker.fetch("/items/1", {
        headers: { cookie, "x-test-probe": probe, ...JSON_ACCEPT },
      });
      expect([cookie, proxied.status, ((await proxied.json()) as ErrorBody).error.code]).toEqual([
        cookie,
        401,
        "unauthenticated",
      ]);
      expect(await originSaw(probe)).toBe(false);
      const own = await ctx.worker.fetch("/auth/session", { headers: { cookie } });
      expect(own.status).toBe(401);
    }
    // The exact spelling still works, with or without the space after ";".
    expect((await ctx.worker.fetch("/items/1", { headers: { cookie: `app=1;${AT}=${accessToken}` } })).status).toBe(
      200,
    );
  });

  it("cookie names with spaces: a gateway cookie is stripped from what is forwarded however its name is spaced", async () => {
    const cookie = `app=1; ${AT} =a;  ${RT}=b; __host-portcullis_at=c;\tportcullis_rt =d; theme = dark`;
    const echo = (await (await ctx.worker.fetch("/public/page", { headers: { cookie } })).json()) as Echo;
    expect(echo.headers.cookie).toBe("app=1; theme = dark");
  });
});

describe('cookie headers joined with ", "', () => {
  // workerd joins two Cookie fields with ", " (Headers#append does the same): our token then sits in
  // another pair's value. It is stripped, and it is not honoured: a browser never sends two Cookie
  // fields, and any sibling subdomain can set `x=1, __Host-portcullis_at=<theirs>` as one cookie.
  it("cookies joined with ', ': our tokens never reach the origin, in one joined header or two Cookie fields", async () => {
    const browser = await signUpBrowser(ctx);
    const accessToken = browser.cookies.get(AT) ?? "";
    const refreshToken = browser.cookies.get(RT) ?? "";
    const twoFields = new Headers();
    twoFields.append("cookie", "app=1");
    twoFields.append("cookie", `${AT}=${accessToken}; ${RT}=${refreshToken}`);
    expect(twoFields.get("cookie")).toBe(`app=1, ${AT}=${accessToken}; ${RT}=${refreshToken}`);
    const spellings: HeadersInit[] = [
      twoFields,
      { cookie: `app=1, ${AT}=${accessToken}` },
      { cookie: `app=1,${AT}=${accessToken}; theme=dark` },
      { cookie: `app="x, __HOST-portcullis_AT=${accessToken}"; theme=dark` },
    ];
    for (const headers of spellings) {
      const echo = (await (await ctx.worker.fetch("/public/x", { headers })).json()) as Echo;
      expect(JSON.stringify(echo.headers)).not.toContain(accessToken);
      expect(JSON.stringify(echo.headers)).not.toContain(refreshToken);
    }
    // Only the pair that named our cookie goes; the others pass as sent.
    const kept = (await (
      await ctx.worker.fetch("/public/x", { headers: { cookie: `app=1, ${AT}=${accessToken}; theme=dark` } })
    ).json()) as Echo;
    expect(kept.headers.cookie).toBe("theme=dark");
  });

  it("cookies joined with ', ': a session cookie after ',' is not honoured (no session planted via another cookie)", async () => {
    const browser = await signUpBrowser(ctx);
    const accessToken = browser.cookies.get(AT) ?? "";
    const refreshToken = browser.cookies.get(RT) ?? "";
    for (const cookie of [`app=1, ${AT}=${accessToken}`, `app=1, ${RT}=${refreshToken}`]) {
      const probe = newProbe();
      const response = await ctx.worker.fetch("/items/1", {
        headers: { cookie, "x-test-probe": probe, ...JSON_ACCEPT },
      });
      expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([401, "unauthenticated"]);
      expect(setCookieHeaders(response)).toEqual([]);
      expect(await originSaw(probe)).toBe(false);
    }
    // The same cookies separated by "; " are a session.
    const ok = await ctx.worker.fetch("/items/1", { headers: { cookie: `app=1; ${AT}=${accessToken}` } });
    expect(ok.status).toBe(200);
  });
});

describe("an origin cannot set the gateway's cookies", () => {
  it("origin Set-Cookie: an origin's Set-Cookie for the gateway's cookies never reaches the browser", async () => {
    const browser = await signUpBrowser(ctx);
    const response = await browser.request("/sets-gateway-cookies/x", { headers: JSON_ACCEPT });
    expect(response.status).toBe(200);
    expect(setCookieHeaders(response).map((cookie) => cookie.split("=")[0])).toEqual(["origin_a", "origin_b"]);
  });

  it("origin Set-Cookie: after a refresh at the edge the browser gets the rotated cookies and the origin's others only", async () => {
    const { browser, sessionId, oldRefreshToken } = await browserDueForRefresh();
    const response = await browser.request("/sets-gateway-cookies/x", { headers: JSON_ACCEPT });
    expect(response.status).toBe(200);
    const cookies = setCookieHeaders(response);
    expect(cookies.map((cookie) => cookie.split("=")[0])).toEqual(["origin_a", "origin_b", AT, RT]);
    expect(cookies.some((cookie) => cookie.includes("planted"))).toBe(false);
    expect(browser.cookies.get(AT)).not.toBe("planted");
    const [, rotated] = cookies.slice(2).map((cookie) => cookie.split(";")[0]?.split("=")[1]);
    expect(rotated).toBe(browser.cookies.get(RT));
    // expectRotatedAndUsable reads lastSetCookies, which includes the origin's own: check the session directly.
    expect(browser.cookies.get(RT)).not.toBe(oldRefreshToken);
    browser.cookies.delete(AT);
    expect((await browser.request("/items/1", { headers: JSON_ACCEPT })).status).toBe(200);
    const [session] = await ctx.sql<{ revoked_at: Date | null }>("SELECT revoked_at FROM sessions WHERE id = $1", [
      sessionId,
    ]);
    expect(session?.revoked_at).toBeNull();
  });
});
