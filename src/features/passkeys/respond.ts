// The answer of every passkey options route (API and pages): the options, uncached, or the refusal
// (no passkey to use, too many asked for) as the one JSON error.
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import type { OptionsThrottled } from "./assertion.ts";

export type OptionsResult<T> = { kind: "options"; options: T } | { kind: "no_passkey" } | OptionsThrottled;

/** `result` as the response; `shape` wraps the options (the pages' script reads `{options}`). */
export function answerOptions<T>(
  c: Context<AppEnv>,
  result: OptionsResult<T>,
  shape: (options: T) => unknown = (options) => options,
): Response {
  if (result.kind === "no_passkey") throw new AppError("no_passkey");
  if (result.kind === "throttled") return tooManyAttempts(c, result.retryAfterSeconds);
  c.header("Cache-Control", "no-store");
  return c.json(shape(result.options) as object);
}
