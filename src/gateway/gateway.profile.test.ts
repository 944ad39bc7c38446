// Issue 15: profile claims reach an origin only on a route configured with "profile": true — X-Auth-Name
// percent-encoded as UTF-8, X-Auth-Username, and name / preferred_username in the signed assertion — and
// a client's own X-Auth-Name or X-Auth-Username never does.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpApi, signUpBrowser } from "../../test/helpers/auth.ts";
import type { Echo } from "../../test/helpers/gateway.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const SPOOFED = { "x-auth-name": "Admin", "X-Auth-Username": "root", "x-auth-name-extra": "1" };

async function echoOf(response: Response): Promise<Echo> {
  expect(response.status).toBe(200);
  return (await response.json()) as Echo;
}

describe("profile claims at the gateway", () => {
  it('forwards the name (percent-encoded UTF-8) and username only on a "profile" route, fresh after a change', async () => {
    const browser = await signUpBrowser(ctx);
    const name = 'Zoë Ångström 李 "Q"; x=1\r\nX-Evil: 1';
    const set = await browser.request("/auth/profile", {
      method: "PATCH",
      json: { name: "Zoë Ångström 李", username: "zoe" },
    });
    expect(set.status).toBe(200);

    const profiled = await echoOf(await browser.request("/profiled/page", { headers: SPOOFED }));
    expect(profiled.headers["x-auth-name"]).toBe("Zo%C3%AB%20%C3%85ngstr%C3%B6m%20%E6%9D%8E");
    expect(decodeURIComponent(String(profiled.headers["x-auth-name"]))).toBe("Zoë Ångström 李");
    expect(profiled.headers["x-auth-username"]).toBe("zoe");
    expect(profiled.headers["x-auth-name-extra"]).toBeUndefined();
    expect(profiled.assertion).toMatchObject({
      ok: true,
      claims: { name: "Zoë Ångström 李", preferred_username: "zoe", route: "profiled" },
    });

    const plain = await echoOf(await browser.request("/items/1", { headers: SPOOFED }));
    expect(plain.headers["x-auth-name"]).toBeUndefined();
    expect(plain.headers["x-auth-username"]).toBeUndefined();
    expect(plain.assertion).toMatchObject({ ok: true, claims: { route: "app" } });
    const claims = plain.assertion?.ok ? plain.assertion.claims : {};
    expect("name" in claims || "preferred_username" in claims).toBe(false);

    // A name that could split a header is still one encoded value; the next request sees it at once.
    const renamed = await browser.request("/auth/profile", {
      method: "PATCH",
      json: { name: name.replace(/\r\n/, " ") },
    });
    expect(renamed.status).toBe(200);
    const again = await echoOf(await browser.request("/profiled/page"));
    expect(again.headers["x-evil"]).toBeUndefined();
    expect(String(again.headers["x-auth-name"])).toMatch(/^[A-Za-z0-9%._~*'()!-]+$/);
    expect(decodeURIComponent(String(again.headers["x-auth-name"]))).toBe(name.replace(/\r\n/, " "));
  });

  it("a user without a name or username: no headers, null claims; a client's spoofed ones are stripped", async () => {
    const api = await signUpApi(ctx);
    const echo = await echoOf(await ctx.client().request("/profiled/x", { bearer: api.accessToken, headers: SPOOFED }));
    expect(echo.headers["x-auth-name"]).toBeUndefined();
    expect(echo.headers["x-auth-username"]).toBeUndefined();
    expect(echo.assertion).toMatchObject({ ok: true, claims: { name: null, preferred_username: null } });
  });

  it("an anonymous request with spoofed profile headers to a profile route never reaches the origin", async () => {
    const response = await ctx.client().request("/profiled/x", { headers: SPOOFED });
    expect(response.status).toBe(401);
  });
});
