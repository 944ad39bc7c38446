// Onboarding routes: GET /auth/onboarding, PUT /auth/onboarding/steps/:key, POST /auth/onboarding/complete.
// All answer 404 onboarding_disabled while ONBOARDING_STEPS is unset.
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { describeSessionRoute } from "../../http/openapi/describe.ts";
import { requireSession } from "../session/middleware.ts";
import { reissueAccessToken } from "../session/reissue.ts";
import { deliverAccessToken } from "../session/respond.ts";
import { OnboardingCompleteResponse, OnboardingResponse, StepBody, StepKeyParams } from "./schemas.ts";
import { completeOnboarding, type OnboardingDeps, readOnboarding, saveStep } from "./service.ts";
import { type OnboardingStep, STEP_KEY_PATTERN, type StepVerification } from "./steps.ts";

const doc = {
  read: describeSessionRoute({
    operationId: "getOnboarding",
    tag: "onboarding",
    summary: "The user's onboarding: every configured step, its status and saved data",
    responses: { 200: OnboardingResponse },
    errors: ["onboarding_disabled"],
  }),
  save: describeSessionRoute({
    operationId: "saveOnboardingStep",
    tag: "onboarding",
    summary: "Save the data of one step (in order; some steps need a verified address first)",
    params: StepKeyParams,
    body: StepBody,
    responses: { 200: OnboardingResponse },
    errors: [
      "onboarding_disabled",
      "onboarding_step_not_found",
      "onboarding_data_too_large",
      "step_out_of_order",
      "verification_required",
    ],
  }),
  complete: describeSessionRoute({
    operationId: "completeOnboarding",
    tag: "onboarding",
    summary: "Finish onboarding once every step is done; a new access token carries it",
    responses: { 200: OnboardingCompleteResponse },
    errors: ["onboarding_disabled", "onboarding_incomplete", "verification_required"],
  }),
};

const VERIFICATION_NAMES: Record<StepVerification, string> = { email: "email address", phone: "phone number" };

/** 404 before anything else while onboarding is off: nothing is read or written. */
const requireOnboardingConfigured = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.config.onboarding) throw new AppError("onboarding_disabled");
  await next();
});

function depsOf(c: Context<AppEnv>): OnboardingDeps {
  return { db: c.var.db(), now: new Date(), steps: c.var.config.onboarding?.steps ?? ([] as OnboardingStep[]) };
}

function verificationRequired(verification: StepVerification): never {
  throw new AppError("verification_required", {
    message: `Verify your ${VERIFICATION_NAMES[verification]} before this step.`,
    fields: [{ path: `verification.${verification}`, message: "must be verified first" }],
  });
}

export const onboardingRoutes = new Hono<AppEnv>()
  .get("/auth/onboarding", doc.read, requireOnboardingConfigured, requireSession(), async (c) => {
    const view = await readOnboarding(depsOf(c), { userId: c.var.session.userId, client: await clientInfo(c) });
    if (!view) throw new AppError("unauthenticated");
    c.header("Cache-Control", "no-store");
    return c.json({ onboarding: view });
  })
  .put("/auth/onboarding/steps/:key", doc.save, requireOnboardingConfigured, requireSession(), async (c) => {
    const key = c.req.param("key");
    const steps = c.var.config.onboarding?.steps ?? [];
    // Unknown keys are refused before the body is read, and the key is never echoed.
    if (!STEP_KEY_PATTERN.test(key) || !steps.some((step) => step.key === key)) {
      throw new AppError("onboarding_step_not_found");
    }
    const body = await readJsonBody(c, StepBody);
    const result = await saveStep(depsOf(c), {
      userId: c.var.session.userId,
      key,
      data: body.data,
      client: await clientInfo(c),
    });
    if (result.kind === "unknown_step") throw new AppError("onboarding_step_not_found");
    if (result.kind === "too_large") {
      throw new AppError("onboarding_data_too_large", {
        message: `This step's data may be at most ${result.maxDataBytes} bytes of JSON.`,
      });
    }
    if (result.kind === "out_of_order") {
      throw new AppError("step_out_of_order", {
        message: result.currentStep
          ? `Finish the earlier onboarding steps first; the current step is "${result.currentStep}".`
          : undefined,
      });
    }
    if (result.kind === "verification_required") verificationRequired(result.verification);
    if (result.kind === "no_user") throw new AppError("unauthenticated");
    c.header("Cache-Control", "no-store");
    return c.json({ onboarding: result.view });
  })
  .post("/auth/onboarding/complete", doc.complete, requireOnboardingConfigured, requireSession(), async (c) => {
    const current = c.var.session;
    const result = await completeOnboarding(depsOf(c), { userId: current.userId, client: await clientInfo(c) });
    if (result.kind === "incomplete") throw new AppError("onboarding_incomplete");
    if (result.kind === "verification_required") verificationRequired(result.verification);
    if (result.kind === "no_user") throw new AppError("unauthenticated");
    // The caller's next request through the gateway must see `onb`: a new access token now.
    const deps = await authDependencies(c);
    const token = await reissueAccessToken(deps, { sessionId: current.sessionId, userId: current.userId });
    if (!token) throw new AppError("unauthenticated");
    const session = {
      accessTokenExpiresAt: token.accessTokenExpiresAt.toISOString(),
      ...deliverAccessToken(c, token, deps.now),
    };
    return c.json({ onboarding: result.view, session });
  });
