// Turns the hosted onboarding page's form into a step's data: only the step's declared fields, text
// trimmed and within its length, checkboxes as booleans. Pure: the route hands the result to saveStep.
import type { OnboardingStep, StepField } from "../../features/onboarding/steps.ts";
import type { FormFields } from "../form-body.ts";

/** Lengths when a field declares none: a line, and a few paragraphs (the step's byte limit still holds). */
export const DEFAULT_FIELD_MAX_LENGTH = { text: 200, textarea: 2000 } as const;

export const fieldMaxLength = (step: OnboardingStep, field: StepField) =>
  Math.min(
    field.maxLength ?? DEFAULT_FIELD_MAX_LENGTH[field.type === "textarea" ? "textarea" : "text"],
    step.maxDataBytes,
  );

/** What is wrong with a field's value (the page picks the words). */
export type FieldProblem = { problem: "required" | "too_long"; label: string; max: number };

export type StepFormResult =
  | { kind: "ok"; data: Record<string, string | boolean> }
  | { kind: "invalid"; problems: Record<string, FieldProblem>; values: Record<string, string> };

/** The step's data from the posted `form`; fields the step does not declare are ignored, never stored. */
export function stepDataFromForm(step: OnboardingStep, form: FormFields): StepFormResult {
  const data: Record<string, string | boolean> = {};
  const values: Record<string, string> = {};
  const errors: Record<string, FieldProblem> = {};
  for (const field of step.fields ?? []) {
    const raw = form[field.name];
    if (field.type === "checkbox") {
      data[field.name] = raw === "on";
      if (raw === "on") values[field.name] = "on";
      if (field.required && raw !== "on") errors[field.name] = { problem: "required", label: field.label, max: 0 };
      continue;
    }
    // A browser never sends U+0000 from a text field, and jsonb cannot store it (a 500 otherwise): dropped.
    const value = (raw ?? "").replace(/\r\n?/g, "\n").replaceAll("\u0000", "").trim();
    values[field.name] = value;
    data[field.name] = value;
    const max = fieldMaxLength(step, field);
    if (field.required && value === "") errors[field.name] = { problem: "required", label: field.label, max };
    else if (value.length > max) errors[field.name] = { problem: "too_long", label: field.label, max };
  }
  return Object.keys(errors).length > 0 ? { kind: "invalid", problems: errors, values } : { kind: "ok", data };
}

/** The form values of a step's stored data, to show it again. */
export function formValuesOf(step: OnboardingStep, data: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!data || typeof data !== "object") return values;
  for (const field of step.fields ?? []) {
    const value = (data as Record<string, unknown>)[field.name];
    if (field.type === "checkbox") {
      if (value === true) values[field.name] = "on";
    } else if (typeof value === "string") values[field.name] = value;
  }
  return values;
}
