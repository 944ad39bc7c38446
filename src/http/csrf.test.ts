// CSRF: cookie-authenticated unsafe requests must come from our origin or an allowlisted one.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
} from "../../test/helpers/auth.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ TRUSTED_ORIGINS: "https://app.example.com" });
});

describe("CSRF protection", () => {
  it("refuses a cookie-authenticated POST from another origin or with no origin at all, changing nothing", async () => {
    const client = await signUpBrowser(ctx);
    const before = await ctx.snapshot();
    for (const origin of ["https://evil.example.com", "null", null]) {
      const response = await client.request("/auth/sessions/revoke-others", { method: "POST", origin });
      expect(response.status).toBe(403);
      expect(((await response.json()) as ErrorBody).error.code).toBe("csrf_rejected");
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("accepts our own origin, an allowlisted origin, and Sec-Fetch-Site: same-origin", async () => {
    const client = await signUpBrowser(ctx);
    expect((await client.request("/auth/sessions/revoke-others", { method: "POST" })).status).toBe(200);
    expect(
      (await client.request("/auth/sessions/revoke-others", { method: "POST", origin: "https://app.example.com" }))
        .status,
    ).toBe(200);
    const fetchMetadata = await client.request("/auth/sessions/revoke-others", {
      method: "POST",
      origin: null,
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(fetchMetadata.status).toBe(200);
    // What Chrome sends for a form POST from our own no-referrer pages.
    const nullOriginSameSite = await client.request("/auth/sessions/revoke-others", {
      method: "POST",
      origin: "null",
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(nullOriginSameSite.status).toBe(200);
  });

  it("refuses Origin: null from another site even with a session cookie, changing nothing", async () => {
    const client = await signUpBrowser(ctx);
    const before = await ctx.snapshot();
    const response = await client.request("/auth/sessions/revoke-others", {
      method: "POST",
      origin: "null",
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe("csrf_rejected");
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("lets Fetch Metadata decide when Origin is null, as Chromium sends it from a no-referrer page", async () => {
    const client = await signUpBrowser(ctx);
    const before = await ctx.snapshot();
    for (const site of ["cross-site", "same-site", "none"]) {
      const response = await client.request("/auth/sessions/revoke-others", {
        method: "POST",
        origin: "null",
        headers: { "sec-fetch-site": site },
      });
      expect([site, response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([
        site,
        403,
        "csrf_rejected",
      ]);
    }
    expect(await ctx.snapshot()).toEqual(before);
    const sameOrigin = await client.request("/auth/sessions/revoke-others", {
      method: "POST",
      origin: "null",
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(sameOrigin.status).toBe(200);
  });

  it("still checks the origin when a forged bearer header rides along with the cookies", async () => {
    const client = await signUpBrowser(ctx);
    const before = await ctx.snapshot();
    for (const path of ["/auth/logout", "/auth/refresh"]) {
      const response = await client.request(path, {
        method: "POST",
        bearer: "garbage",
        origin: "https://evil.example.com",
      });
      expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([403, "csrf_rejected"]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("does not apply to bearer-token API calls, which a browser cannot forge", async () => {
    const api = await signUpApi(ctx);
    const response = await ctx
      .client()
      .request("/auth/sessions/revoke-others", { method: "POST", bearer: api.accessToken, origin: null });
    expect(response.status).toBe(200);
  });
});
