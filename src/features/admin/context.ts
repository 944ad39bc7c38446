// What the admin routes and console pages share: the services' dependencies, the acting admin, and
// the checks of path ids and queries that turn bad input into one 400 shape.
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import type { ResetRequestDeps } from "../verification/reset.ts";
import { UserId } from "./schemas.ts";
import type { AdminActor } from "./service.ts";

/** The session dependencies plus what the reset mail needs. */
export async function adminDependencies(c: Context<AppEnv>): Promise<ResetRequestDeps> {
  const config = c.var.config;
  return { ...(await authDependencies(c)), mail: config.mail, appUrl: config.appUrl, policy: config };
}

/** The admin acting in this request (after requirePlatformAdmin or the console's own check). */
export async function adminActor(c: Context<AppEnv>, adminId: string): Promise<AdminActor> {
  return { adminId, client: await clientInfo(c) };
}

/** Validates `value` with `schema`, or 400 `invalid_request` naming the failing fields (never values). */
export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => ({
    path: issue.path.join(".") || "(query)",
    message: issue.message,
  }));
  throw new AppError("invalid_request", { fields });
}

/** A path's user id: a malformed one is 400 (never a query that cannot match). */
export function userIdParam(value: string | undefined): string {
  const parsed = UserId.safeParse(value);
  if (!parsed.success) throw new AppError("invalid_request", { fields: [{ path: "id", message: "must be a UUID" }] });
  return parsed.data;
}
