// Issue 15: the account export includes the onboarding session (steps done, each step's data, completion)
// next to the profile and preferences.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import { markVerified, ONBOARDING_ENV, putStep } from "../../../test/helpers/onboarding.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest(ONBOARDING_ENV);
});

type Export = {
  profile: { preferences: { theme: string; locale: string | null; timeZone: string | null } | null };
  onboarding: {
    startedAt: string;
    currentStep: string | null;
    completedSteps: string[];
    data: Record<string, unknown>;
    completedAt: string | null;
  } | null;
};

async function exportOf(client: Awaited<ReturnType<typeof signUpBrowser>>): Promise<Export> {
  const response = await client.request("/auth/account/export");
  expect(response.status).toBe(200);
  return (await response.json()) as Export;
}

describe("the account export's onboarding and preferences", () => {
  it("is null for onboarding never started, and the preferences once set", async () => {
    const client = await signUpBrowser(ctx);
    expect((await exportOf(client)).onboarding).toBeNull();
    const patch = await client.request("/auth/preferences", {
      method: "PATCH",
      json: { theme: "DARK", timeZone: "Asia/Tokyo" },
    });
    expect(patch.status).toBe(200);
    expect((await exportOf(client)).profile.preferences).toEqual({
      theme: "DARK",
      locale: null,
      timeZone: "Asia/Tokyo",
      notifications: expect.any(Object),
    });
  });

  it("holds the steps done, their data and the current step, then the completion", async () => {
    const email = uniqueEmail("export-onb");
    const client = await signUpBrowser(ctx, email);
    expect((await putStep(client, "profile", { company: "Acme", seats: 3 })).status).toBe(200);
    const started = await exportOf(client);
    expect(started.onboarding).toEqual({
      startedAt: expect.any(String),
      updatedAt: expect.any(String),
      currentStep: "contact",
      completedSteps: ["profile"],
      data: { profile: { company: "Acme", seats: 3 } },
      completedAt: null,
    });

    await markVerified(ctx, email, { email: true, phone: true });
    for (const key of ["contact", "phone", "team"]) expect((await putStep(client, key, { ok: true })).status).toBe(200);
    expect((await client.request("/auth/onboarding/complete", { method: "POST" })).status).toBe(200);
    const done = await exportOf(client);
    expect(done.onboarding?.completedSteps).toEqual(["profile", "contact", "phone", "team"]);
    expect(done.onboarding?.currentStep).toBeNull();
    expect(done.onboarding?.data).toEqual({
      profile: { company: "Acme", seats: 3 },
      contact: { ok: true },
      phone: { ok: true },
      team: { ok: true },
    });
    expect(Date.parse(done.onboarding?.completedAt ?? "")).not.toBeNaN();
  });
});
