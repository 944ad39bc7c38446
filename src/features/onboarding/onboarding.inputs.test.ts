// Issue 15: every bad input to the onboarding routes answers its status and code, and changes nothing
// (row counts and every stored onboarding row compared before and after).
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, type ErrorBody, setUpAuthTest, signUpBrowser } from "../../../test/helpers/auth.ts";
import type { RequestOptions, TestClient } from "../../../test/helpers/client.ts";
import { ONBOARDING_ENV, onboardingState, putStep } from "../../../test/helpers/onboarding.ts";

let ctx: AuthTestContext;
let browser: TestClient;
beforeAll(async () => {
  ctx = await setUpAuthTest(ONBOARDING_ENV);
  browser = await signUpBrowser(ctx);
  // Started, with the first step done, so every refusal below has stored state to leave alone.
  expect((await putStep(browser, "profile", { name: "Ada" })).status).toBe(200);
});

async function expectRefused(request: () => Promise<Response>, status: number, code: string) {
  const before = await onboardingState(ctx);
  const response = await request();
  expect(response.status).toBe(status);
  expect(((await response.json()) as ErrorBody).error.code).toBe(code);
  expect(await onboardingState(ctx)).toEqual(before);
}

const put = (key: string, options: RequestOptions) =>
  browser.request(`/auth/onboarding/steps/${key}`, { method: "PUT", ...options });

describe("PUT /auth/onboarding/steps/:key refuses", () => {
  it("malformed JSON: 400 invalid_json", () =>
    expectRefused(
      () => put("profile", { body: '{"data": {', headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
    ));

  it("a body that is not an object, or data that is not an object: 400 invalid_request", async () => {
    for (const json of [[], "x", null, { data: [] }, { data: "text" }, { data: 5 }, { data: null }, {}]) {
      await expectRefused(() => put("profile", { json }), 400, "invalid_request");
    }
  });

  it("unknown fields next to data: 400 invalid_request", () =>
    expectRefused(() => put("profile", { json: { data: {}, completed: true } }), 400, "invalid_request"));

  it("a client-set verification status is an unknown field too", () =>
    expectRefused(() => put("contact", { json: { data: {}, emailVerified: true } }), 400, "invalid_request"));

  it("the wrong content type: 415 unsupported_media_type", async () => {
    await expectRefused(
      () => put("profile", { body: "data=1", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported_media_type",
    );
    await expectRefused(
      () => put("profile", { body: '{"data":{}}', headers: { "content-type": "text/plain" } }),
      415,
      "unsupported_media_type",
    );
  });

  it("data over the step's limit: 413 onboarding_data_too_large (phone allows 64 bytes)", async () => {
    await expectRefused(
      () => putStep(browser, "profile", { blob: "x".repeat(4096) }),
      413,
      "onboarding_data_too_large",
    );
    // Counted in UTF-8 bytes, not characters: 30 two-byte characters plus the JSON around them exceed 64.
    await expectRefused(() => putStep(browser, "phone", { n: "é".repeat(30) }), 413, "onboarding_data_too_large");
  });

  it("a body over the request limit: 413 payload_too_large", () =>
    expectRefused(() => putStep(browser, "profile", { blob: "x".repeat(70 * 1024) }), 413, "payload_too_large"));

  it("an unknown or malformed step key: 404 onboarding_step_not_found", async () => {
    for (const key of ["nope", "PROFILE", "a%20b", "team%00", "a".repeat(80)]) {
      await expectRefused(() => putStep(browser, key, {}), 404, "onboarding_step_not_found");
    }
  });

  it("no session: 401 unauthenticated", () =>
    expectRefused(() => putStep(ctx.client(), "profile", { name: "x" }), 401, "unauthenticated"));

  it("a forged bearer token: 401 unauthenticated", () =>
    expectRefused(
      () => putStep(ctx.client(), "profile", { name: "x" }, "eyJhbGciOiJFUzI1NiJ9.e30.sig"),
      401,
      "unauthenticated",
    ));

  it("a cookie-authenticated request from another origin: 403 csrf_rejected", () =>
    expectRefused(
      () => put("profile", { json: { data: { name: "x" } }, origin: "https://evil.example" }),
      403,
      "csrf_rejected",
    ));

  it("a spoofed X-Auth-Onboarding or verification header changes nothing it should not", async () => {
    await expectRefused(
      () =>
        put("contact", {
          json: { data: {} },
          headers: { "x-auth-onboarding": "complete", "x-auth-email-verified": "true" },
        }),
      409,
      "verification_required",
    );
  });
});

describe("POST /auth/onboarding/complete refuses", () => {
  it("no session: 401; another origin: 403 csrf_rejected; incomplete: 409", async () => {
    await expectRefused(
      () => ctx.client().request("/auth/onboarding/complete", { method: "POST" }),
      401,
      "unauthenticated",
    );
    await expectRefused(
      () => browser.request("/auth/onboarding/complete", { method: "POST", origin: "https://evil.example" }),
      403,
      "csrf_rejected",
    );
    await expectRefused(
      () => browser.request("/auth/onboarding/complete", { method: "POST" }),
      409,
      "onboarding_incomplete",
    );
  });
});

describe("other methods", () => {
  it("are not routes: POST to a step, PUT to the session", async () => {
    await expectRefused(
      () => browser.request("/auth/onboarding/steps/profile", { json: { data: {} } }),
      404,
      "not_found",
    );
    await expectRefused(() => browser.request("/auth/onboarding", { method: "PUT", json: {} }), 404, "not_found");
  });
});
