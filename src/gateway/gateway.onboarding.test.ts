// Issue 15: the gateway tells origins X-Auth-Onboarding (complete | in_progress) from the access token's
// `onb` claim, strips any client-sent value, and a requireOnboarding route sends browsers to
// ONBOARDING_URL with return_to and answers API callers 403 onboarding_required.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
} from "../../test/helpers/auth.ts";
import type { TestClient } from "../../test/helpers/client.ts";
import { type Echo, echoOriginUrl, newProbe, originSaw } from "../../test/helpers/gateway.ts";
import { markVerified, ONBOARDING_ENV, putStep } from "../../test/helpers/onboarding.ts";

const routes = () => [
  {
    name: "members",
    pathPrefix: "/members",
    origin: echoOriginUrl(),
    policy: "authenticated",
    requireOnboarding: true,
  },
  { name: "app", pathPrefix: "/", origin: echoOriginUrl(), policy: "authenticated" },
];

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ ...ONBOARDING_ENV, GATEWAY_ROUTES: JSON.stringify(routes()) });
});

const html = { accept: "text/html,application/xhtml+xml" };

/** Does every step and completes, through the real routes (the browser gets its new access cookie). */
async function onboard(client: TestClient, email: string, bearer?: string) {
  await markVerified(ctx, email, { email: true, phone: true });
  for (const key of ["profile", "contact", "phone", "team"])
    expect((await putStep(client, key, {}, bearer)).status).toBe(200);
  const response = await client.request("/auth/onboarding/complete", {
    method: "POST",
    ...(bearer ? { bearer, origin: null } : {}),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { session: { accessToken?: string } };
}

describe("X-Auth-Onboarding", () => {
  it("says in_progress before completion, in the header and the assertion", async () => {
    const browser = await signUpBrowser(ctx);
    const response = await browser.request("/dashboard");
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.headers["x-auth-onboarding"]).toBe("in_progress");
    expect(echo.assertion).toMatchObject({ ok: true, claims: { onboarding: "in_progress" } });
  });

  it("strips a client-sent value in any spelling", async () => {
    const browser = await signUpBrowser(ctx);
    const response = await browser.request("/dashboard", {
      headers: { "X-Auth-Onboarding": "complete", x_auth_onboarding: "complete" },
    });
    const echo = (await response.json()) as Echo;
    expect(echo.headers["x-auth-onboarding"]).toBe("in_progress");
    expect(echo.rawHeaderNames.filter((name) => /onboarding/i.test(name))).toEqual(["X-Auth-Onboarding"]);
  });

  it("says complete on the very next request after completion (the access cookie was reissued)", async () => {
    const email = uniqueEmail("gw-onboard");
    const browser = await signUpBrowser(ctx, email);
    await onboard(browser, email);
    const echo = (await (await browser.request("/dashboard")).json()) as Echo;
    expect(echo.headers["x-auth-onboarding"]).toBe("complete");
    expect(echo.assertion).toMatchObject({ ok: true, claims: { onboarding: "complete" } });
  });

  it("is neither sent nor signed when onboarding is off; a client's value is still stripped", async () => {
    const off = await setUpAuthTest();
    const browser = await signUpBrowser(off);
    const response = await browser.request("/items", { headers: { "x-auth-onboarding": "complete" } });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.headers["x-auth-onboarding"]).toBeUndefined();
    expect(echo.assertion).toMatchObject({ ok: true });
    expect((echo.assertion as { claims: Record<string, unknown> }).claims.onboarding).toBeUndefined();
  });
});

describe("requireOnboarding", () => {
  it("sends a navigating browser to ONBOARDING_URL with return_to; the origin is never reached", async () => {
    const browser = await signUpBrowser(ctx);
    const probe = newProbe();
    const response = await browser.request("/members/area?tab=1", { headers: { ...html, "x-test-probe": probe } });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/welcome?return_to=${encodeURIComponent("/members/area?tab=1")}`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await originSaw(probe)).toBe(false);
  });

  it("answers an API caller 403 onboarding_required; the origin is never reached", async () => {
    const api = await signUpApi(ctx);
    const probe = newProbe();
    const response = await ctx
      .client()
      .request("/members/area", { bearer: api.accessToken, headers: { "x-test-probe": probe } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe("onboarding_required");
    expect(await originSaw(probe)).toBe(false);
  });

  it("answers a browser's fetch (no text/html) and a POST 403 too", async () => {
    const browser = await signUpBrowser(ctx);
    expect((await browser.request("/members/area")).status).toBe(403);
    const post = await browser.request("/members/area", { headers: html, json: {} });
    expect(post.status).toBe(403);
    expect(((await post.json()) as ErrorBody).error.code).toBe("onboarding_required");
  });

  it("is not fooled by a spoofed X-Auth-Onboarding: complete", async () => {
    const api = await signUpApi(ctx);
    const response = await ctx.client().request("/members/area", {
      bearer: api.accessToken,
      headers: { "x-auth-onboarding": "complete" },
    });
    expect(response.status).toBe(403);
  });

  it("lets the browser and the API client through once onboarding is completed", async () => {
    const email = uniqueEmail("gw-members");
    const browser = await signUpBrowser(ctx, email);
    await onboard(browser, email);
    const page = await browser.request("/members/area", { headers: html });
    expect(page.status).toBe(200);
    expect(((await page.json()) as Echo).headers["x-auth-onboarding"]).toBe("complete");

    const apiEmail = uniqueEmail("gw-members-api");
    const api = await signUpApi(ctx, apiEmail);
    const { session } = await onboard(ctx.client(), apiEmail, api.accessToken);
    // The token from before completion still says in_progress; the reissued one passes.
    expect((await ctx.client().request("/members/area", { bearer: api.accessToken })).status).toBe(403);
    expect((await ctx.client().request("/members/area", { bearer: session.accessToken })).status).toBe(200);
  });
});
