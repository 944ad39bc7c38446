// The one way routes refuse a throttled attempt: 429 `too_many_attempts` with Retry-After.
import type { Context } from "hono";
import type { AppEnv } from "./app-env.ts";
import { AppError } from "./app-error.ts";

export function tooManyAttempts(c: Context<AppEnv>, retryAfterSeconds: number): never {
  c.header("Retry-After", String(retryAfterSeconds));
  throw new AppError("too_many_attempts");
}
