// Request schemas of the onboarding routes and the documented shapes of their answers (service.ts's OnboardingView).
import { z } from "zod";
import { ReissuedToken } from "../session/schemas.ts";

// Text Postgres' jsonb can hold: JSON allows "\u0000" and lone surrogates ("\ud800"), jsonb refuses both
// (22P05), so they are a 400 here rather than a 500 from the database (review of issue 15).
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing U+0000 is the point.
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const JsonText = z
  .string()
  .refine((text) => !UNSTORABLE_TEXT.test(text), "must not contain U+0000 or a lone surrogate");

/** Any JSON value jsonb can store (written out and named, so the document describes the recursion once). */
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
const JsonValue: z.ZodType<JsonValue> = z
  .lazy(() => z.union([JsonText, z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(JsonText, JsonValue)]))
  .meta({ id: "JsonValue" });

// A step's data is one JSON object; its size is checked against the step's limit in the service.
export const StepBody = z.strictObject({ data: z.record(JsonText, JsonValue) });
export const StepKeyParams = z.object({ key: z.string().meta({ description: "A configured step's key." }) });

const OnboardingView = z.object({
  startedAt: z.iso.datetime(),
  completed: z.boolean(),
  completedAt: z.iso.datetime().nullable(),
  currentStep: z.string().nullable(),
  verification: z.object({ email: z.boolean(), phone: z.boolean() }),
  steps: z.array(
    z.object({
      key: z.string(),
      requires: z.enum(["email", "phone"]).nullable(),
      verified: z.boolean(),
      maxDataBytes: z.int(),
      status: z.enum(["completed", "current", "pending"]),
      data: z.unknown(),
    }),
  ),
});

export const OnboardingResponse = z.object({ onboarding: OnboardingView });
export const OnboardingCompleteResponse = z.object({ onboarding: OnboardingView, session: ReissuedToken });
