// Onboarding sessions: the view an app reads (steps, their data, the current step, verification
// status derived from the account, completion), saving a step in order, and completing.
import type { Database } from "../../db/client.ts";
import type { ClientInfo } from "../session/service.ts";
import {
  findOnboarding,
  markOnboardingCompleted,
  type OnboardingRow,
  saveOnboardingStep,
  startOnboardingSession,
} from "./repository.ts";
import type { OnboardingStep, StepVerification } from "./steps.ts";

export type OnboardingDeps = { db: Database; now: Date; steps: readonly OnboardingStep[] };

export type StepStatus = "completed" | "current" | "pending";

/** What GET /auth/onboarding answers. */
export type OnboardingView = {
  startedAt: string;
  completed: boolean;
  completedAt: string | null;
  /** The first step not yet done, in the configured order; null when every step is done. */
  currentStep: string | null;
  /** From the account (users.email_verified_at, phone_verified_at), never from the client. */
  verification: { email: boolean; phone: boolean };
  steps: Array<{
    key: string;
    requires: StepVerification | null;
    /** The step's verification requirement is met now (true when it has none). */
    verified: boolean;
    maxDataBytes: number;
    status: StepStatus;
    data: unknown;
  }>;
};

const isVerified = (row: OnboardingRow, requires: StepVerification | undefined) =>
  requires === undefined || (requires === "email" ? row.emailVerified : row.phoneVerified);

/** The first configured step not in `done`, or null. */
function currentStepOf(steps: readonly OnboardingStep[], done: readonly string[]): string | null {
  return steps.find((step) => !done.includes(step.key))?.key ?? null;
}

function viewOf(steps: readonly OnboardingStep[], row: OnboardingRow): OnboardingView {
  const session = row.session ?? { data: {}, completedSteps: [], completedAt: null, startedAt: new Date(0) };
  const current = currentStepOf(steps, session.completedSteps);
  return {
    startedAt: session.startedAt.toISOString(),
    completed: session.completedAt !== null,
    completedAt: session.completedAt?.toISOString() ?? null,
    currentStep: current,
    verification: { email: row.emailVerified, phone: row.phoneVerified },
    steps: steps.map((step) => ({
      key: step.key,
      requires: step.requires ?? null,
      verified: isVerified(row, step.requires),
      maxDataBytes: step.maxDataBytes,
      status: session.completedSteps.includes(step.key) ? "completed" : step.key === current ? "current" : "pending",
      data: session.data[step.key] ?? null,
    })),
  };
}

async function startAndRead(deps: OnboardingDeps, userId: string, client: ClientInfo): Promise<OnboardingRow | null> {
  const firstStep = deps.steps[0]?.key ?? null;
  if (firstStep === null) return null;
  await startOnboardingSession(deps.db, { userId, firstStep, now: deps.now, client });
  return findOnboarding(deps.db, userId);
}

/** The user's onboarding, started on first read (audited once as `onboarding.started`). Null: no such user. */
export async function readOnboarding(
  deps: OnboardingDeps,
  input: { userId: string; client: ClientInfo },
): Promise<OnboardingView | null> {
  const row = await startAndRead(deps, input.userId, input.client);
  return row ? viewOf(deps.steps, row) : null;
}

/** UTF-8 bytes of a JSON text. */
export const jsonByteLength = (json: string) => new TextEncoder().encode(json).byteLength;

export type SaveStepResult =
  | { kind: "ok"; view: OnboardingView }
  | { kind: "unknown_step" }
  | { kind: "too_large"; maxDataBytes: number }
  | { kind: "out_of_order"; currentStep: string | null }
  | { kind: "verification_required"; verification: StepVerification }
  | { kind: "no_user" };

/**
 * Saves `data` as step `key`'s: allowed for the current step and for a step done before (revisiting),
 * when the step's verification holds. Size is checked before anything is written.
 */
export async function saveStep(
  deps: OnboardingDeps,
  input: { userId: string; key: string; data: Record<string, unknown>; client: ClientInfo },
): Promise<SaveStepResult> {
  const index = deps.steps.findIndex((step) => step.key === input.key);
  const step = deps.steps[index];
  if (!step) return { kind: "unknown_step" };
  const dataJson = JSON.stringify(input.data);
  if (jsonByteLength(dataJson) > step.maxDataBytes) return { kind: "too_large", maxDataBytes: step.maxDataBytes };
  const before = await findOnboarding(deps.db, input.userId);
  if (!before) return { kind: "no_user" };
  // Out of order is answered without starting a session, so a refused request changes nothing.
  const done = before.session?.completedSteps ?? [];
  const priorKeys = deps.steps.slice(0, index).map((s) => s.key);
  if (!done.includes(step.key) && !priorKeys.every((key) => done.includes(key))) {
    return { kind: "out_of_order", currentStep: currentStepOf(deps.steps, done) };
  }
  if (!isVerified(before, step.requires))
    return { kind: "verification_required", verification: step.requires ?? "email" };
  if (!before.session) await startAndRead(deps, input.userId, input.client);
  const saved = await saveOnboardingStep(deps.db, {
    userId: input.userId,
    key: step.key,
    dataJson,
    keys: deps.steps.map((s) => s.key),
    priorKeys,
    requires: step.requires ?? null,
    now: deps.now,
    client: input.client,
  });
  const after = await findOnboarding(deps.db, input.userId);
  if (!after) return { kind: "no_user" };
  if (saved) return { kind: "ok", view: viewOf(deps.steps, after) };
  // The statement's own check refused it: something changed since the read above (a verification
  // removed). Answer from what is stored now.
  const nowDone = after.session?.completedSteps ?? [];
  if (!isVerified(after, step.requires))
    return { kind: "verification_required", verification: step.requires ?? "email" };
  return { kind: "out_of_order", currentStep: currentStepOf(deps.steps, nowDone) };
}

export type CompleteResult =
  | { kind: "ok"; view: OnboardingView; alreadyCompleted: boolean }
  | { kind: "incomplete"; currentStep: string | null }
  | { kind: "verification_required"; verification: StepVerification }
  | { kind: "no_user" };

/** Completes onboarding once every step is done and every required verification holds; idempotent. */
export async function completeOnboarding(
  deps: OnboardingDeps,
  input: { userId: string; client: ClientInfo },
): Promise<CompleteResult> {
  const needs = new Set(deps.steps.map((step) => step.requires).filter((r): r is StepVerification => r !== undefined));
  const completed = await markOnboardingCompleted(deps.db, {
    userId: input.userId,
    keys: deps.steps.map((step) => step.key),
    needsEmail: needs.has("email"),
    needsPhone: needs.has("phone"),
    now: deps.now,
    client: input.client,
  });
  const row = await findOnboarding(deps.db, input.userId);
  if (!row) return { kind: "no_user" };
  const view = viewOf(deps.steps, row);
  if (completed || row.session?.completedAt) return { kind: "ok", view, alreadyCompleted: !completed };
  if (view.currentStep !== null) return { kind: "incomplete", currentStep: view.currentStep };
  const missing = [...needs].find((verification) => !isVerified(row, verification));
  return missing ? { kind: "verification_required", verification: missing } : { kind: "incomplete", currentStep: null };
}
