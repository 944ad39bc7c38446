// Onboarding test helpers (issue 15): the steps the tests configure, requests and stored state.
import type { AuthTestContext } from "./auth.ts";
import type { TestClient } from "./client.ts";

/** profile → contact (needs a verified email) → phone (needs a verified phone, 64 bytes) → team. */
export const TEST_STEPS = [
  { key: "profile" },
  { key: "contact", requires: "email" },
  { key: "phone", requires: "phone", maxDataBytes: 64 },
  { key: "team" },
] as const;

/** setUpAuthTest overrides that turn onboarding on with TEST_STEPS. */
export const ONBOARDING_ENV = { ONBOARDING_STEPS: JSON.stringify(TEST_STEPS), ONBOARDING_URL: "/welcome" };

export type StepView = { key: string; status: string; data: unknown; requires: string | null; verified: boolean };
export type OnboardingBody = {
  onboarding: {
    completed: boolean;
    completedAt: string | null;
    currentStep: string | null;
    verification: { email: boolean; phone: boolean };
    steps: StepView[];
  };
};

/** PUT /auth/onboarding/steps/:key with `data` (a cookie client unless `bearer` is given). */
export function putStep(client: TestClient, key: string, data: unknown, bearer?: string): Promise<Response> {
  return client.request(`/auth/onboarding/steps/${key}`, {
    method: "PUT",
    json: { data },
    ...(bearer ? { bearer, origin: null } : {}),
  });
}

/** Marks the user's email and/or phone verified, as the verification flows would. */
export async function markVerified(ctx: AuthTestContext, email: string, what: { email?: boolean; phone?: boolean }) {
  if (what.email) await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
  if (what.phone) {
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    await ctx.sql("UPDATE users SET phone_number = $2, phone_verified_at = now() WHERE email = $1", [email, phone]);
  }
}

/** Row counts plus every onboarding row as stored: "nothing changed" covers the step data too. */
export async function onboardingState(ctx: AuthTestContext) {
  return {
    counts: await ctx.snapshot(),
    rows: await ctx.sql(
      "SELECT user_id, current_step, data, completed_steps, completed_at, updated_at FROM onboarding_sessions ORDER BY user_id",
    ),
  };
}

/** The stored session of the user with `email`. */
export async function storedOnboarding(ctx: AuthTestContext, email: string) {
  const [row] = await ctx.sql<{
    current_step: string | null;
    data: Record<string, unknown>;
    completed_steps: string[];
    completed_at: Date | null;
  }>(
    `SELECT o.current_step, o.data, o.completed_steps, o.completed_at FROM onboarding_sessions o
     JOIN users u ON u.id = o.user_id WHERE u.email = $1`,
    [email],
  );
  return row;
}

/** The actions of the onboarding audit rows of the user with `email`, oldest first, with their step. */
export async function onboardingAudit(ctx: AuthTestContext, email: string) {
  const rows = await ctx.sql<{ action: string; step: string | null }>(
    `SELECT a.action, a.metadata->>'step' AS step FROM audit_events a JOIN users u ON u.id = a.user_id
     WHERE u.email = $1 AND a.action LIKE 'onboarding.%' ORDER BY a.created_at, a.id`,
    [email],
  );
  return rows.map((row) => (row.step ? `${row.action}:${row.step}` : row.action));
}
