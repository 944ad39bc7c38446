// Issue 15: concurrent tabs. Each step update is one SQL statement (jsonb_set on the locked row, the
// order rule in its WHERE), so parallel PUTs never lose an update, duplicate a step or start twice.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import {
  markVerified,
  ONBOARDING_ENV,
  onboardingAudit,
  putStep,
  storedOnboarding,
} from "../../../test/helpers/onboarding.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest(ONBOARDING_ENV);
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("parallel step updates", () => {
  it("to different steps keep every step's latest data: none overwrites another", async () => {
    const email = uniqueEmail("race");
    const browser = await signUpBrowser(ctx, email);
    await markVerified(ctx, email, { email: true, phone: true });
    for (const key of ["profile", "contact", "phone"])
      expect((await putStep(browser, key, { v: "old" })).status).toBe(200);
    const keys = ["profile", "contact", "phone", "team"] as const;
    // Revisits of three done steps and the current one (team), twelve requests at once.
    const sends = range(12).map((i) => ({ key: keys[i % 4] as string, v: i }));
    const responses = await Promise.all(sends.map((send) => putStep(browser, send.key, { v: send.v })));
    expect(responses.map((response) => response.status)).toEqual(sends.map(() => 200));
    const stored = await storedOnboarding(ctx, email);
    for (const key of keys) {
      const sent = sends.filter((send) => send.key === key).map((send) => send.v);
      expect(sent.map((v) => ({ v }))).toContainEqual(stored?.data?.[key]);
    }
    expect(stored?.completed_steps).toEqual(["profile", "contact", "phone", "team"]);
    expect(stored?.current_step).toBeNull();
    expect((await onboardingAudit(ctx, email)).filter((a) => a.startsWith("onboarding.step_completed"))).toHaveLength(
      3 + sends.length,
    );
  });

  it("to the same first step from many tabs start the session once and record the step once", async () => {
    const email = uniqueEmail("race-first");
    const browser = await signUpBrowser(ctx, email);
    const responses = await Promise.all(range(8).map((i) => putStep(browser, "profile", { tab: i })));
    expect(responses.map((response) => response.status)).toEqual(range(8).map(() => 200));
    const stored = await storedOnboarding(ctx, email);
    expect(stored?.completed_steps).toEqual(["profile"]);
    expect(stored?.current_step).toBe("contact");
    expect(range(8).map((tab) => ({ tab }))).toContainEqual(stored?.data?.profile);
    const audit = await onboardingAudit(ctx, email);
    expect(audit.filter((a) => a === "onboarding.started")).toHaveLength(1);
    expect(audit.filter((a) => a === "onboarding.step_completed:profile")).toHaveLength(8);
  });

  it("a skip ahead racing the first step is refused and stores nothing out of order", async () => {
    for (const _ of range(3)) {
      const email = uniqueEmail("race-skip");
      const browser = await signUpBrowser(ctx, email);
      const [first, skip] = await Promise.all([
        putStep(browser, "profile", { a: 1 }),
        putStep(browser, "team", { b: 2 }),
      ]);
      expect(first.status).toBe(200);
      const stored = await storedOnboarding(ctx, email);
      // team may only follow profile, contact and phone; none but profile is done, so team is refused.
      expect(skip.status).toBe(409);
      expect(stored?.completed_steps).toEqual(["profile"]);
      expect(stored?.data).toEqual({ profile: { a: 1 } });
    }
  });
});
