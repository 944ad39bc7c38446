// Issue 15: onboarding sessions — the steps in order, revisiting, verification derived from the account,
// completion (with a new access token carrying `onb`) and the audit trail.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import {
  markVerified,
  ONBOARDING_ENV,
  type OnboardingBody,
  onboardingAudit,
  onboardingState,
  putStep,
  storedOnboarding,
} from "../../../test/helpers/onboarding.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest(ONBOARDING_ENV);
});

const accessCookie = (client: { cookies: Map<string, string> }) => client.cookies.get("__Host-portcullis_at") ?? "";

async function signedIn() {
  const email = uniqueEmail("onboard");
  return { email, browser: await signUpBrowser(ctx, email) };
}

describe("GET /auth/onboarding", () => {
  it("starts the session on first read: every step listed in order, the first current, nothing verified", async () => {
    const { email, browser } = await signedIn();
    const response = await browser.request("/auth/onboarding");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { onboarding } = (await response.json()) as OnboardingBody;
    expect(onboarding).toMatchObject({
      completed: false,
      completedAt: null,
      currentStep: "profile",
      verification: { email: false, phone: false },
    });
    expect(onboarding.steps.map((step) => [step.key, step.status, step.requires, step.verified])).toEqual([
      ["profile", "current", null, true],
      ["contact", "pending", "email", false],
      ["phone", "pending", "phone", false],
      ["team", "pending", null, true],
    ]);
    expect(await storedOnboarding(ctx, email)).toMatchObject({ current_step: "profile", completed_steps: [] });
    // A second read starts nothing new.
    expect((await browser.request("/auth/onboarding")).status).toBe(200);
    expect(await ctx.count("onboarding_sessions o JOIN users u ON u.id = o.user_id", "u.email = $1", [email])).toBe(1);
    expect(await onboardingAudit(ctx, email)).toEqual(["onboarding.started"]);
  });

  it("reports verification from the account, never from anything the client sends", async () => {
    const { email, browser } = await signedIn();
    await markVerified(ctx, email, { email: true });
    const { onboarding } = (await (
      await browser.request("/auth/onboarding?email_verified=false")
    ).json()) as OnboardingBody;
    expect(onboarding.verification).toEqual({ email: true, phone: false });
    expect(onboarding.steps.find((step) => step.key === "contact")?.verified).toBe(true);
  });

  it("works for API clients with a bearer token", async () => {
    const api = await signUpApi(ctx);
    const response = await ctx.client().request("/auth/onboarding", { bearer: api.accessToken });
    expect(response.status).toBe(200);
  });

  it("answers 401 without a session and creates nothing", async () => {
    const before = await onboardingState(ctx);
    const response = await ctx.client().request("/auth/onboarding");
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.code).toBe("unauthenticated");
    expect(await onboardingState(ctx)).toEqual(before);
  });
});

describe("PUT /auth/onboarding/steps/:key", () => {
  it("saves the current step's data, moves the current step on and audits the step", async () => {
    const { email, browser } = await signedIn();
    const response = await putStep(browser, "profile", { name: "Ada", tags: ["x"], nested: { n: 1 } });
    expect(response.status).toBe(200);
    const { onboarding } = (await response.json()) as OnboardingBody;
    expect(onboarding.currentStep).toBe("contact");
    expect(onboarding.steps[0]).toMatchObject({
      status: "completed",
      data: { name: "Ada", tags: ["x"], nested: { n: 1 } },
    });
    expect(await storedOnboarding(ctx, email)).toMatchObject({
      current_step: "contact",
      completed_steps: ["profile"],
      data: { profile: { name: "Ada", tags: ["x"], nested: { n: 1 } } },
    });
    // The first PUT started the session itself.
    expect(await onboardingAudit(ctx, email)).toEqual(["onboarding.started", "onboarding.step_completed:profile"]);
  });

  it("refuses skipping ahead with 409 step_out_of_order naming the current step, and changes nothing", async () => {
    const { browser } = await signedIn();
    await browser.request("/auth/onboarding");
    const before = await onboardingState(ctx);
    const response = await putStep(browser, "team", { a: 1 });
    expect(response.status).toBe(409);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("step_out_of_order");
    expect(body.error.message).toContain('"profile"');
    expect(await onboardingState(ctx)).toEqual(before);
  });

  it("refuses skipping ahead before the session was started, without starting it", async () => {
    const { email, browser } = await signedIn();
    const before = await onboardingState(ctx);
    expect((await putStep(browser, "contact", { a: 1 })).status).toBe(409);
    expect(await onboardingState(ctx)).toEqual(before);
    expect(await storedOnboarding(ctx, email)).toBeUndefined();
  });

  it("lets a done step be revisited: its data is replaced, the others and the current step stay", async () => {
    const { email, browser } = await signedIn();
    await markVerified(ctx, email, { email: true });
    expect((await putStep(browser, "profile", { name: "Ada" })).status).toBe(200);
    expect((await putStep(browser, "contact", { mail: "weekly" })).status).toBe(200);
    const response = await putStep(browser, "profile", { name: "Ada Lovelace" });
    expect(response.status).toBe(200);
    expect(((await response.json()) as OnboardingBody).onboarding.currentStep).toBe("phone");
    expect(await storedOnboarding(ctx, email)).toMatchObject({
      current_step: "phone",
      completed_steps: ["profile", "contact"],
      data: { profile: { name: "Ada Lovelace" }, contact: { mail: "weekly" } },
    });
  });

  it("answers 409 verification_required naming email for a step that needs it, and changes nothing", async () => {
    const { browser } = await signedIn();
    expect((await putStep(browser, "profile", { name: "Ada" })).status).toBe(200);
    const before = await onboardingState(ctx);
    const response = await putStep(browser, "contact", { mail: "weekly" });
    expect(response.status).toBe(409);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("verification_required");
    expect(body.error.message).toContain("email address");
    expect(body.error.fields).toEqual([{ path: "verification.email", message: "must be verified first" }]);
    expect(await onboardingState(ctx)).toEqual(before);
  });

  it("accepts the email step once the address is verified, and names phone for the phone step", async () => {
    const { email, browser } = await signedIn();
    expect((await putStep(browser, "profile", {})).status).toBe(200);
    await markVerified(ctx, email, { email: true });
    expect((await putStep(browser, "contact", { mail: "weekly" })).status).toBe(200);
    const response = await putStep(browser, "phone", { sms: true });
    expect(response.status).toBe(409);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("verification_required");
    expect(body.error.message).toContain("phone number");
    await markVerified(ctx, email, { phone: true });
    expect((await putStep(browser, "phone", { sms: true })).status).toBe(200);
  });
});

describe("POST /auth/onboarding/complete", () => {
  async function allStepsDone() {
    const { email, browser } = await signedIn();
    await markVerified(ctx, email, { email: true, phone: true });
    for (const key of ["profile", "contact", "phone", "team"]) {
      expect((await putStep(browser, key, { key })).status).toBe(200);
    }
    return { email, browser };
  }

  it("answers 409 onboarding_incomplete while a step is left, and changes nothing", async () => {
    const { browser } = await signedIn();
    expect((await putStep(browser, "profile", {})).status).toBe(200);
    const before = await onboardingState(ctx);
    const response = await browser.request("/auth/onboarding/complete", { method: "POST" });
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe("onboarding_incomplete");
    expect(await onboardingState(ctx)).toEqual(before);
  });

  it("completes, audits it and hands the browser an access token with onb", async () => {
    const { email, browser } = await allStepsDone();
    expect(claimsOf(accessCookie(browser)).onb).toBeUndefined();
    const response = await browser.request("/auth/onboarding/complete", { method: "POST" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as OnboardingBody & { session: Record<string, unknown> };
    expect(body.onboarding).toMatchObject({ completed: true, currentStep: null });
    expect(body.session.accessToken).toBeUndefined();
    expect(claimsOf(accessCookie(browser)).onb).toBe(1);
    expect((await storedOnboarding(ctx, email))?.completed_at).not.toBeNull();
    expect(await onboardingAudit(ctx, email)).toEqual([
      "onboarding.started",
      "onboarding.step_completed:profile",
      "onboarding.step_completed:contact",
      "onboarding.step_completed:phone",
      "onboarding.step_completed:team",
      "onboarding.completed",
    ]);
    // Again: still completed, audited once, and a done step can still be revisited.
    expect((await browser.request("/auth/onboarding/complete", { method: "POST" })).status).toBe(200);
    expect((await onboardingAudit(ctx, email)).filter((a) => a === "onboarding.completed")).toHaveLength(1);
    expect((await putStep(browser, "team", { size: 3 })).status).toBe(200);
  });

  it("refuses completion when a required verification no longer holds", async () => {
    const { email, browser } = await allStepsDone();
    await ctx.sql("UPDATE users SET phone_verified_at = NULL, phone_number = NULL WHERE email = $1", [email]);
    const before = await onboardingState(ctx);
    const response = await browser.request("/auth/onboarding/complete", { method: "POST" });
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe("verification_required");
    expect(await onboardingState(ctx)).toEqual(before);
  });

  it("gives a bearer client its new access token in the body; refresh keeps onb", async () => {
    const email = uniqueEmail("onboard-api");
    const api = await signUpApi(ctx, email);
    await markVerified(ctx, email, { email: true, phone: true });
    for (const key of ["profile", "contact", "phone", "team"]) {
      expect((await putStep(ctx.client(), key, {}, api.accessToken)).status).toBe(200);
    }
    const response = await ctx
      .client()
      .request("/auth/onboarding/complete", { method: "POST", bearer: api.accessToken, origin: null });
    expect(response.status).toBe(200);
    const { session } = (await response.json()) as { session: { accessToken: string; tokenType: string } };
    expect(session.tokenType).toBe("Bearer");
    expect(claimsOf(session.accessToken).onb).toBe(1);
    const refreshed = await ctx
      .client()
      .request("/auth/refresh", { json: { refreshToken: api.refreshToken }, origin: null });
    const { session: next } = (await refreshed.json()) as { session: { accessToken: string } };
    expect(claimsOf(next.accessToken).onb).toBe(1);
  });
});

describe("the table", () => {
  it("holds one session per user, removed with the user (ON DELETE CASCADE)", async () => {
    const { email, browser } = await signedIn();
    expect((await putStep(browser, "profile", { name: "Ada" })).status).toBe(200);
    const [user] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
    await expect(
      ctx.sql("INSERT INTO onboarding_sessions (id, user_id) VALUES (gen_random_uuid(), $1)", [user?.id]),
    ).rejects.toThrow(/onboarding_sessions_user_id_key/);
    await ctx.sql("DELETE FROM audit_events WHERE user_id = $1", [user?.id]);
    await ctx.sql("DELETE FROM users WHERE id = $1", [user?.id]);
    expect(await ctx.count("onboarding_sessions", "user_id = $1", [user?.id])).toBe(0);
  });
});

describe("with ONBOARDING_STEPS unset", () => {
  it("every onboarding route answers 404 onboarding_disabled and nothing changes", async () => {
    const off = await setUpAuthTest();
    const browser = await signUpBrowser(off);
    const before = await off.snapshot();
    for (const [path, method] of [
      ["/auth/onboarding", "GET"],
      ["/auth/onboarding/steps/profile", "PUT"],
      ["/auth/onboarding/complete", "POST"],
    ] as const) {
      const response = await browser.request(path, { method, ...(method === "PUT" ? { json: { data: {} } } : {}) });
      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe("onboarding_disabled");
    }
    expect(await off.snapshot()).toEqual(before);
    expect(await off.count("onboarding_sessions")).toBe(0);
  });
});
