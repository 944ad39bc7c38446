// Cookie mode against the real Worker, through a browser-like fetch (a cookie jar, the browser's Origin):
// session routes on cookies, the refresh cookie exchanged once on a 401, and the CSRF rule's typed error.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, STRONG_PASSWORD, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import { createCookieClient, SessionEndedError } from "../src/index.ts";
import { browserFetch, GATEWAY } from "./support/worker-fetch.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

/** The jar's name of a session cookie (`__Host-` prefixed except in insecure local development). */
const cookieName = (jar: Map<string, string>, name: "portcullis_at" | "portcullis_rt") => {
  const found = [...jar.keys()].find((key) => key.endsWith(name));
  if (!found) throw new Error(`no ${name} cookie`);
  return found;
};

/** A browser signed up through the client's untyped fetch (POST /auth/signup is not documented yet). */
async function signedInBrowser() {
  const browser = browserFetch(ctx.worker);
  const client = createCookieClient({ baseUrl: GATEWAY, fetch: browser.fetch });
  const email = uniqueEmail();
  const signup = await client.fetch(`${GATEWAY}/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: STRONG_PASSWORD }),
  });
  expect(signup.status).toBe(201);
  return { client, email, ...browser };
}

describe("cookie mode", () => {
  it("calls session routes with the browser's cookies", async () => {
    const { client, email, fetch } = await signedInBrowser();
    const { data, response } = await client.GET("/auth/session");
    expect(response.status).toBe(200);
    expect(data?.user.email).toBe(email);
    expect(fetch.count("POST /auth/refresh")).toBe(0);
  });

  it("exchanges the refresh cookie once when the access cookie is gone, and retries the call", async () => {
    const { client, fetch, jar } = await signedInBrowser();
    const refreshBefore = jar.get(cookieName(jar, "portcullis_rt"));
    jar.delete(cookieName(jar, "portcullis_at")); // what the browser does when the cookie's Max-Age (the AT lifetime) passes
    const answers = await Promise.all([client.GET("/auth/session"), client.GET("/auth/sessions")]);
    expect(answers.map(({ response }) => response.status)).toEqual([200, 200]);
    expect(fetch.count("POST /auth/refresh")).toBe(1);
    expect(jar.get(cookieName(jar, "portcullis_rt"))).not.toBe(refreshBefore);
  });

  it("answers 401 unauthenticated for a visitor who is not signed in, after one refresh attempt", async () => {
    const { fetch } = browserFetch(ctx.worker);
    const client = createCookieClient({ baseUrl: GATEWAY, fetch });
    const { error, response } = await client.GET("/auth/session");
    expect(response.status).toBe(401);
    expect(error?.error.code).toBe("unauthenticated");
    expect(fetch.count("POST /auth/refresh")).toBe(1);
  });

  it("surfaces reuse detection as a typed error and stops", async () => {
    const overlapless = await setUpAuthTest({ REFRESH_REUSE_OVERLAP_SECONDS: "0" });
    const { fetch, jar } = browserFetch(overlapless.worker);
    const ended: SessionEndedError[] = [];
    const client = createCookieClient({ baseUrl: GATEWAY, fetch, onSessionEnded: (error) => ended.push(error) });
    const signup = await client.fetch(`${GATEWAY}/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: uniqueEmail(), password: STRONG_PASSWORD }),
    });
    expect(signup.status).toBe(201);
    const refreshCookie = cookieName(jar, "portcullis_rt");
    const stolen = jar.get(refreshCookie);
    // The browser refreshes (rotation), then the old cookie comes back: reuse.
    expect((await client.POST("/auth/refresh", { body: {} })).response.status).toBe(200);
    jar.set(refreshCookie, stolen ?? "");
    jar.delete(cookieName(jar, "portcullis_at"));
    const failure = await client.GET("/auth/sessions").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SessionEndedError);
    expect((failure as SessionEndedError).code).toBe("refresh_token_reused");
    expect(ended).toHaveLength(1);
    expect(fetch.count("POST /auth/refresh")).toBe(2);
    expect(await overlapless.count("sessions", "revoked_at IS NOT NULL")).toBe(1);
  });

  it("surfaces the CSRF rule as csrf_rejected when the browser proves no origin, with nothing changed", async () => {
    const { client, moveTo } = await signedInBrowser();
    moveTo(null);
    const before = await ctx.snapshot();
    const { error, response } = await client.POST("/auth/sessions/revoke-others");
    expect(response.status).toBe(403);
    expect(error?.error.code).toBe("csrf_rejected");
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("surfaces a cross-site origin as csrf_rejected, with nothing changed", async () => {
    const { client, moveTo } = await signedInBrowser();
    moveTo("https://evil.example");
    const before = await ctx.snapshot();
    const { error, response } = await client.DELETE("/auth/sessions/{id}", {
      params: { path: { id: crypto.randomUUID() } },
    });
    expect(response.status).toBe(403);
    expect(error?.error.code).toBe("csrf_rejected");
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("defaults to the page's origin, not its URL, on a page below /auth", async () => {
    const { fetch, email } = await signedInBrowser();
    // A browser's `location` on the security page; the API is still at the origin's /auth/….
    const page = new URL(`${GATEWAY}/auth/account/security?tab=passkeys`);
    const restore = Object.getOwnPropertyDescriptor(globalThis, "location");
    Object.defineProperty(globalThis, "location", { value: page, configurable: true });
    try {
      const client = createCookieClient({ fetch });
      const { data, response } = await client.GET("/auth/session");
      expect(response.status).toBe(200);
      expect(data?.user.email).toBe(email);
      expect(fetch.count("GET /auth/session")).toBe(1);
      expect(fetch.count("GET /auth/account/security/auth/session")).toBe(0);
    } finally {
      if (restore) Object.defineProperty(globalThis, "location", restore);
      else Reflect.deleteProperty(globalThis, "location");
    }
  });
});
