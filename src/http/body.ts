// Reads request bodies: a size limit on every request, and JSON parsed then validated by a zod schema.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { z } from "zod";
import type { AppEnv } from "./app-env.ts";
import { AppError } from "./app-error.ts";

const limiters = new Map<number, MiddlewareHandler>();

/** Refuses bodies over the configured size with 413 `payload_too_large`, streamed or declared. */
export function limitBodySize() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const maxSize = c.var.config.maxBodyBytes;
    let limiter = limiters.get(maxSize);
    if (!limiter) {
      limiter = bodyLimit({
        maxSize,
        onError: () => {
          throw new AppError("payload_too_large");
        },
      });
      limiters.set(maxSize, limiter);
    }
    return limiter(c, next);
  });
}

const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** True when the request says its body is an HTML form (application/x-www-form-urlencoded). */
export const hasFormBody = (c: Context<AppEnv>) => FORM_CONTENT_TYPE.test(c.req.header("content-type") ?? "");

/**
 * Parses the body as JSON and validates it with `schema`. Malformed JSON is 400 `invalid_json`,
 * schema violations are 400 `invalid_request` naming the failing fields (never their values).
 */
export async function readJsonBody<Schema extends z.ZodType>(
  c: Context<AppEnv>,
  schema: Schema,
): Promise<z.output<Schema>> {
  if (!JSON_CONTENT_TYPE.test(c.req.header("content-type") ?? "")) throw new AppError("unsupported_media_type");
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => ({
      path: issue.path.join(".") || "(body)",
      message: issue.message,
    }));
    throw new AppError("invalid_request", { fields });
  }
  return parsed.data;
}
