// issue 15 (finishing): the hosted onboarding page. GET /onboarding shows the steps; its forms post to
// /onboarding/steps/:key and /onboarding/complete, which call the same services as PUT
// /auth/onboarding/steps/:key and POST /auth/onboarding/complete (order, verification, size, audit).
import type { Context } from "hono";
import { Hono } from "hono";
import {
  completeOnboarding,
  type OnboardingDeps,
  readOnboarding,
  saveStep,
} from "../../features/onboarding/service.ts";
import { type OnboardingStep, STEP_KEY_PATTERN } from "../../features/onboarding/steps.ts";
import { reissueCallerToken } from "../../features/session/respond.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { limitBodySize } from "../../http/body.ts";
import { safeReturnTo } from "../../http/return-to.ts";
import { ACCOUNT_PATH } from "../account/context.ts";
import type { FormState } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { pageSession, signInLocation } from "../page-session.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import { ONBOARDING_PAGE_PATH, OnboardingPage, onboardingPageLocation } from "./page.tsx";
import { formValuesOf, stepDataFromForm } from "./step-form.ts";

/** The steps, or the 404 page while ONBOARDING_STEPS is unset (nothing read or written). */
function configuredSteps(c: Context<AppEnv>): OnboardingStep[] {
  const steps = c.var.config.onboarding?.steps;
  if (!steps) throw new AppError("onboarding_disabled");
  return steps;
}

const depsOf = (c: Context<AppEnv>, steps: OnboardingStep[]): OnboardingDeps => ({
  db: c.var.db(),
  now: new Date(),
  steps,
});

/** The page's session, or the redirect to sign in (coming back to the onboarding page). */
async function onboardingSession(
  c: Context<AppEnv>,
  returnTo: string,
): Promise<{ session: AuthenticatedSession } | { redirect: Response }> {
  const session = await pageSession(c);
  if (session) return { session };
  if (c.req.method === "GET") return { redirect: c.redirect(signInLocation(c), 302) };
  const back = onboardingPageLocation(returnTo);
  return { redirect: c.redirect(`/auth/sign-in?return_to=${encodeURIComponent(back)}`, 303) };
}

/** Where a finished onboarding sends the browser: the validated return_to, else the account page. */
const destinationOf = (returnTo: string) => (returnTo === "/" ? ACCOUNT_PATH : returnTo);

async function showPage(
  c: Context<AppEnv>,
  input: {
    steps: OnboardingStep[];
    session: AuthenticatedSession;
    returnTo: string;
    failed?: { key: string | null; state: (view: View) => FormState };
    status?: PageOptions["status"];
  },
): Promise<Response> {
  const onboarding = await readOnboarding(depsOf(c, input.steps), {
    userId: input.session.userId,
    client: await clientInfo(c),
  });
  if (!onboarding) return c.redirect(signInLocation(c), 303);
  const current = input.steps.find((step) => step.key === onboarding.currentStep);
  const stored = onboarding.steps.find((step) => step.key === current?.key)?.data;
  return renderPage(c, { title: ({ t }) => t.onboarding.title, status: input.status }, (view) => (
    <OnboardingPage
      view={view}
      onboarding={onboarding}
      steps={input.steps}
      returnTo={input.returnTo}
      destination={destinationOf(input.returnTo)}
      failed={
        input.failed
          ? { key: input.failed.key, state: input.failed.state(view) }
          : current
            ? { key: current.key, state: { values: formValuesOf(current, stored) } }
            : undefined
      }
    />
  ));
}

export const onboardingPageRoutes = new Hono<AppEnv>()
  .get(ONBOARDING_PAGE_PATH, async (c) => {
    const steps = configuredSteps(c);
    const returnTo = safeReturnTo(c.req.query("return_to"), "/");
    const auth = await onboardingSession(c, returnTo);
    if ("redirect" in auth) return auth.redirect;
    return showPage(c, { steps, session: auth.session, returnTo });
  })
  .post(`${ONBOARDING_PAGE_PATH}/steps/:key`, limitBodySize(), async (c) => {
    const steps = configuredSteps(c);
    const fields = await readForm(c);
    const returnTo = safeReturnTo(fields.return_to, "/");
    const auth = await onboardingSession(c, returnTo);
    if ("redirect" in auth) return auth.redirect;
    const key = c.req.param("key");
    const step = STEP_KEY_PATTERN.test(key) ? steps.find((s) => s.key === key) : undefined;
    if (!step) throw new AppError("onboarding_step_not_found");
    const fail = (status: PageOptions["status"], state: (view: View) => FormState) =>
      showPage(c, { steps, session: auth.session, returnTo, status, failed: { key: step.key, state } });
    const form = stepDataFromForm(step, fields);
    if (form.kind === "invalid") {
      const { problems } = form;
      return fail(400, ({ t }) => ({
        values: form.values,
        errors: Object.fromEntries(
          Object.entries(problems).map(([name, p]) => [
            name,
            p.problem === "required" ? t.onboarding.fieldRequired(p.label) : t.onboarding.fieldTooLong(p.label, p.max),
          ]),
        ),
      }));
    }
    const values = formValuesOf(step, form.data);
    const result = await saveStep(depsOf(c, steps), {
      userId: auth.session.userId,
      key: step.key,
      data: form.data,
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "ok":
        return seeOther(c, onboardingPageLocation(returnTo));
      case "too_large":
        return fail(413, ({ t }) => ({ values, formError: t.onboarding.tooLarge }));
      case "out_of_order": {
        const current = steps.find((s) => s.key === result.currentStep);
        return fail(409, ({ t }) => ({
          formError: current ? t.onboarding.outOfOrder(current.title ?? current.key) : t.onboarding.outOfOrderDone,
        }));
      }
      case "verification_required":
        return fail(409, ({ t }) => ({ values, formError: t.onboarding.verificationRequired[result.verification] }));
      case "unknown_step":
        throw new AppError("onboarding_step_not_found");
      case "no_user":
        return c.redirect(signInLocation(c), 303);
    }
  })
  .post(`${ONBOARDING_PAGE_PATH}/complete`, limitBodySize(), async (c) => {
    const steps = configuredSteps(c);
    const fields = await readForm(c);
    const returnTo = safeReturnTo(fields.return_to, "/");
    const auth = await onboardingSession(c, returnTo);
    if ("redirect" in auth) return auth.redirect;
    const result = await completeOnboarding(depsOf(c, steps), {
      userId: auth.session.userId,
      client: await clientInfo(c),
    });
    const fail = (formError: (view: View) => string) =>
      showPage(c, {
        steps,
        session: auth.session,
        returnTo,
        status: 409,
        failed: { key: null, state: (view) => ({ formError: formError(view) }) },
      });
    if (result.kind === "incomplete") return fail(({ t }) => t.onboarding.incomplete);
    if (result.kind === "verification_required")
      return fail(({ t }) => t.onboarding.verificationRequired[result.verification] ?? t.onboarding.incomplete);
    if (result.kind === "no_user") return c.redirect(signInLocation(c), 303);
    // The next request through the gateway must carry `onb`: a new access token now, as the API does.
    await reissueCallerToken(c, await authDependencies(c), auth.session);
    return seeOther(c, destinationOf(returnTo));
  });
