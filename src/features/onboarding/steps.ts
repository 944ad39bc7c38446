// ONBOARDING_STEPS: the ordered steps of onboarding, parsed and checked once at config load.
import { z } from "zod";

/** Defaults and limits of a step's declaration. */
export const ONBOARDING_STEP_LIMITS = {
  /** @default 4096 bytes of JSON (UTF-8) per step. */
  defaultMaxDataBytes: 4096,
  /** Half the default request body limit, so a full step always fits in one request. */
  maxDataBytes: 32 * 1024,
  maxSteps: 32,
} as const;

/** A step key: what the URL, the stored data and the audit rows name the step by. */
export const STEP_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** What a step may require of the account before it can be saved. */
export type StepVerification = "email" | "phone";

const DATA_LIMIT = `must be a whole number of bytes from 2 to ${ONBOARDING_STEP_LIMITS.maxDataBytes}`;

/** A field name: what the form posts and the step's data stores it under (never `return_to`). */
export const FIELD_NAME_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** The field types the hosted onboarding page can render. */
export const STEP_FIELD_TYPES = ["text", "textarea", "checkbox"] as const;

const LENGTH_LIMIT = `must be a whole number of characters from 1 to ${ONBOARDING_STEP_LIMITS.maxDataBytes}`;

// issue 15 (finishing): a field the hosted page (/onboarding) shows for the step; the data it saves is
// `{name: string}` (text, textarea) or `{name: boolean}` (checkbox), through the same service as the API.
const fieldSchema = z.strictObject({
  name: z
    .string()
    .regex(FIELD_NAME_PATTERN, "must be 1 to 32 lowercase letters, digits or _, starting with a letter")
    .refine((name) => name !== "return_to", "is reserved"),
  label: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  type: z.enum(STEP_FIELD_TYPES).default("text"),
  required: z.boolean().default(false),
  maxLength: z.number().int(LENGTH_LIMIT).min(1, LENGTH_LIMIT).max(ONBOARDING_STEP_LIMITS.maxDataBytes).optional(),
});

export type StepField = z.output<typeof fieldSchema>;

const stepSchema = z
  .strictObject({
    key: z.string().regex(STEP_KEY_PATTERN, "must be 1 to 63 lowercase letters, digits, - or _"),
    requires: z.enum(["email", "phone"]).optional(),
    maxDataBytes: z
      .number()
      .int(DATA_LIMIT)
      .min(2, DATA_LIMIT)
      .max(ONBOARDING_STEP_LIMITS.maxDataBytes, DATA_LIMIT)
      .default(ONBOARDING_STEP_LIMITS.defaultMaxDataBytes),
    /** The heading the hosted page shows for the step; the key when absent. */
    title: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
    /** What the hosted page asks for; a step without fields is confirmed with a button (data `{}`). */
    fields: z.array(fieldSchema).min(1, "must list at least one field, or be left out").max(16).optional(),
  })
  .superRefine((step, ctx) => {
    const seen = new Set<string>();
    step.fields?.forEach((field, index) => {
      if (seen.has(field.name))
        ctx.addIssue({ code: "custom", path: ["fields", index, "name"], message: "is used twice" });
      seen.add(field.name);
      if (field.maxLength !== undefined && field.maxLength > step.maxDataBytes) {
        ctx.addIssue({ code: "custom", path: ["fields", index, "maxLength"], message: "must not exceed maxDataBytes" });
      }
    });
  });

export type OnboardingStep = z.output<typeof stepSchema>;

/** The steps in order; an empty list is refused (leave the variable unset to turn onboarding off). */
export const onboardingStepsSchema = z
  .array(stepSchema)
  .min(1, "must list at least one step (leave it unset to turn onboarding off)")
  .max(ONBOARDING_STEP_LIMITS.maxSteps, `must list at most ${ONBOARDING_STEP_LIMITS.maxSteps} steps`)
  .superRefine((steps, ctx) => {
    const seen = new Set<string>();
    steps.forEach((step, index) => {
      if (seen.has(step.key)) ctx.addIssue({ code: "custom", path: [index, "key"], message: "is used twice" });
      seen.add(step.key);
    });
  });

/** JSON text (an env var), or the array wrangler hands over for a TOML array of tables. */
export function parseOnboardingSteps(input: unknown, ctx: z.RefinementCtx): OnboardingStep[] | typeof z.NEVER {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      ctx.addIssue({ code: "custom", message: "is not valid JSON" });
      return z.NEVER;
    }
  }
  const parsed = onboardingStepsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  return z.NEVER;
}

/** The configured onboarding: its steps and where browsers are sent to do them. */
export type OnboardingSettings = { steps: OnboardingStep[]; url: string };
