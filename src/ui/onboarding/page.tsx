// The hosted onboarding page: the configured steps with their status, the verification status from the
// account (with the way to verify), and the form of the current step, the finish button or the way on.
import type { OnboardingView } from "../../features/onboarding/service.ts";
import type { OnboardingStep, StepField } from "../../features/onboarding/steps.ts";
import { ErrorSummary, type FormState, PostForm } from "../components/form.tsx";
import type { View } from "../view.ts";
import { fieldMaxLength } from "./step-form.ts";

export const ONBOARDING_PAGE_PATH = "/onboarding";

/** `/onboarding` with its return_to (kept through every step). */
export const onboardingPageLocation = (returnTo: string) =>
  returnTo === "/" ? ONBOARDING_PAGE_PATH : `${ONBOARDING_PAGE_PATH}?return_to=${encodeURIComponent(returnTo)}`;

export type OnboardingPageProps = {
  view: View;
  onboarding: OnboardingView;
  steps: readonly OnboardingStep[];
  returnTo: string;
  /** Where "Continue" goes once onboarding is complete. */
  destination: string;
  /** The step whose form failed, with what to show again. */
  failed?: { key: string | null; state: FormState };
};

const titleOf = (step: OnboardingStep) => step.title ?? step.key;

function StepInput({ step, field, state }: { step: OnboardingStep; field: StepField; state: FormState }) {
  const id = field.name;
  const error = state.errors?.[id];
  const errorLine = error ? (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  ) : null;
  const invalid = error ? "true" : undefined;
  const describedBy = error ? `${id}-error` : undefined;
  if (field.type === "checkbox") {
    return (
      <div class="field">
        {errorLine}
        <div class="check">
          <input
            type="checkbox"
            id={id}
            name={id}
            checked={state.values?.[id] === "on"}
            required={field.required}
            aria-invalid={invalid}
            aria-describedby={describedBy}
          />
          <label for={id}>{field.label}</label>
        </div>
      </div>
    );
  }
  const common = {
    id,
    name: id,
    required: field.required,
    maxlength: fieldMaxLength(step, field),
    "aria-invalid": invalid,
    "aria-describedby": describedBy,
  };
  return (
    <div class="field">
      <label for={id}>{field.label}</label>
      {errorLine}
      {field.type === "textarea" ? (
        <textarea {...common}>{state.values?.[id] ?? ""}</textarea>
      ) : (
        <input type="text" autocomplete="off" value={state.values?.[id] ?? ""} {...common} />
      )}
    </div>
  );
}

function VerificationStatus({ view, onboarding, returnTo }: Omit<OnboardingPageProps, "steps" | "destination">) {
  const t = view.t.onboarding;
  const here = onboardingPageLocation(returnTo);
  const row = (kind: "email" | "phone") => {
    const verified = onboarding.verification[kind];
    const needed = onboarding.steps.some((step) => step.requires === kind && step.status !== "completed");
    const href =
      kind === "email" ? `/auth/verify-email?return_to=${encodeURIComponent(here)}` : "/auth/account#phone-number";
    return (
      <li data-verification={kind} data-verified={verified ? "true" : "false"}>
        {`${kind === "email" ? t.email : t.phone}: ${verified ? t.verified : t.unverified}`}
        {!verified && needed ? (
          <>
            {" "}
            <a href={href} id={`verify-${kind}`}>
              {kind === "email" ? t.verifyEmail : t.verifyPhone}
            </a>
          </>
        ) : null}
      </li>
    );
  };
  return (
    <section aria-labelledby="verification-heading">
      <h2 id="verification-heading">{t.verificationHeading}</h2>
      <ul class="links">
        {row("email")}
        {row("phone")}
      </ul>
    </section>
  );
}

function StepForm({
  view,
  step,
  returnTo,
  state,
}: {
  view: View;
  step: OnboardingStep;
  returnTo: string;
  state: FormState;
}) {
  const t = view.t.onboarding;
  return (
    <section aria-labelledby="step-heading" data-step-form={step.key}>
      <h2 id="step-heading">{titleOf(step)}</h2>
      {step.requires ? <p class="muted">{t.needs[step.requires]}</p> : null}
      <PostForm action={`${ONBOARDING_PAGE_PATH}/steps/${step.key}`} returnTo={returnTo}>
        {(step.fields ?? []).map((field) => (
          <StepInput step={step} field={field} state={state} />
        ))}
        <button type="submit" class="block" id="step-submit">
          {step.fields ? t.save : t.confirm}
        </button>
      </PostForm>
    </section>
  );
}

export function OnboardingPage(props: OnboardingPageProps) {
  const { view, onboarding, steps, returnTo, failed } = props;
  const t = view.t.onboarding;
  const summaryState: FormState = failed?.state ?? {};
  const current = steps.find((step) => step.key === onboarding.currentStep);
  const formState = failed && failed.key === current?.key ? failed.state : { values: {} };
  return (
    <div class="card" data-onboarding={onboarding.completed ? "complete" : "in_progress"}>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <ErrorSummary view={view} state={{ formError: summaryState.formError, errors: summaryState.errors }} />
      <section aria-labelledby="steps-heading">
        <h2 id="steps-heading">{t.stepsHeading}</h2>
        <ol>
          {onboarding.steps.map((step) => {
            const declared = steps.find((s) => s.key === step.key);
            return (
              <li
                data-step={step.key}
                data-status={step.status}
                aria-current={step.status === "current" ? "step" : undefined}
              >
                {`${declared ? titleOf(declared) : step.key}: ${t.status[step.status]}`}
              </li>
            );
          })}
        </ol>
      </section>
      <VerificationStatus view={view} onboarding={onboarding} returnTo={returnTo} />
      {onboarding.completed ? (
        <section aria-labelledby="completed-heading">
          <h2 id="completed-heading">{t.completedHeading}</h2>
          <p>{t.completedIntro}</p>
          <a class="button" href={props.destination} id="onboarding-continue">
            {t.continue}
          </a>
        </section>
      ) : current ? (
        <StepForm view={view} step={current} returnTo={returnTo} state={formState} />
      ) : (
        <section aria-labelledby="finish-heading">
          <h2 id="finish-heading">{t.finishHeading}</h2>
          <p>{t.finishIntro}</p>
          <PostForm action={`${ONBOARDING_PAGE_PATH}/complete`} returnTo={returnTo}>
            <button type="submit" class="block" id="onboarding-finish">
              {t.finish}
            </button>
          </PostForm>
        </section>
      )}
    </div>
  );
}
