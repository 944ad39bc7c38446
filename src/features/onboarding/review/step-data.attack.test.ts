// Review of issue 15 (onboarding): step data that JSON allows but Postgres' jsonb refuses (U+0000, lone
// surrogates, in values or keys) must be a 400 that changes nothing, never a 500 from the database.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../../test/helpers/auth.ts";
import type { TestClient } from "../../../../test/helpers/client.ts";
import { submitForm } from "../../../../test/helpers/html.ts";
import { ONBOARDING_ENV, onboardingState } from "../../../../test/helpers/onboarding.ts";

let ctx: AuthTestContext;
let browser: TestClient;
const email = uniqueEmail("onb-text");
beforeAll(async () => {
  ctx = await setUpAuthTest({
    ...ONBOARDING_ENV,
    ONBOARDING_STEPS: JSON.stringify([{ key: "profile", fields: [{ name: "company", label: "Company" }] }]),
  });
  browser = await signUpBrowser(ctx, email);
  expect((await browser.request("/auth/onboarding")).status).toBe(200);
});

// Raw JSON texts, so the escapes reach the Worker exactly as an attacker writes them.
const BODIES = {
  "U+0000 in a value": '{"data":{"company":"a\\u0000b"}}',
  "U+0000 in a key": '{"data":{"a\\u0000":"x"}}',
  "a lone high surrogate": '{"data":{"company":"\\ud800"}}',
  "a lone low surrogate in a nested key": '{"data":{"x":[{"\\udc00":1}]}}',
};

describe("PUT /auth/onboarding/steps/:key with text jsonb cannot hold", () => {
  it.each(Object.entries(BODIES))("refuses %s with 400 invalid_request, changing nothing", async (_, body) => {
    const before = await onboardingState(ctx);
    const response = await browser.request("/auth/onboarding/steps/profile", {
      method: "PUT",
      body,
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_request");
    expect(await onboardingState(ctx)).toEqual(before);
  });
});

describe("POST /onboarding/steps/:key (hosted page) with a NUL in a field", () => {
  it("saves the text without it (a browser never sends one) instead of failing with 500", async () => {
    const response = await submitForm(browser, "/onboarding/steps/profile", { company: "Acme\u0000Corp" });
    expect(response.status).toBe(303);
    const [row] = await ctx.sql<{ data: Record<string, unknown> }>(
      "SELECT o.data FROM onboarding_sessions o JOIN users u ON u.id = o.user_id WHERE u.email = $1",
      [email],
    );
    expect(row?.data).toEqual({ profile: { company: "AcmeCorp" } });
  });
});
