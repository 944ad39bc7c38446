// Admin lifecycle routes: POST /admin/users/:id/delete (soft delete) and DELETE /admin/users/:id (hard delete).
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { requirePlatformAdmin } from "../admin/guard.ts";
import { describeAdminRoute } from "../admin/openapi.ts";
import { DELETE_CONFIRMATION, lifecycleDependencies, refuseDeletion } from "./routes.ts";
import {
  AdminSoftDeleteResponse,
  DeleteBody,
  HardDeleteQuery,
  HardDeleteResponse,
  TargetUserParams,
} from "./schemas.ts";
import { hardDeleteUser, softDeleteUser } from "./service.ts";

const UserId = TargetUserParams.shape.id;
/** A malformed id is no such user; the refusals are refuseDeletion's (routes.ts). */
const TARGET_ERRORS = ["user_not_found", "cannot_delete_self"] as const;

const doc = {
  softDelete: describeAdminRoute({
    operationId: "adminDeleteUser",
    summary: "Delete a user (soft delete: scrubbed after the retention period; their reset does not cancel it)",
    params: TargetUserParams,
    body: DeleteBody,
    responses: { 200: AdminSoftDeleteResponse },
    errors: [...TARGET_ERRORS, "confirmation_required", "last_owner", "last_platform_admin", "user_not_active"],
  }),
  hardDelete: describeAdminRoute({
    operationId: "adminHardDeleteUser",
    summary: "Erase a user and all that cascades from them (irreversible; audit events stay, without the user)",
    params: TargetUserParams,
    query: HardDeleteQuery,
    responses: { 200: HardDeleteResponse },
    errors: [...TARGET_ERRORS, "confirmation_required", "last_owner", "last_platform_admin"],
  }),
};

/** The target user's id from the path; 404 for anything that is not a UUID (no such user). */
function targetOf(c: Context<AppEnv>): string {
  const parsed = UserId.safeParse(c.req.param("id"));
  if (!parsed.success) throw new AppError("user_not_found");
  // An admin removing themselves would lock the platform out; they use /auth/account/delete instead.
  if (parsed.data === c.var.session.userId) throw new AppError("cannot_delete_self");
  return parsed.data;
}

export const lifecycleAdminRoutes = new Hono<AppEnv>()
  .post("/admin/users/:id/delete", doc.softDelete, ...requirePlatformAdmin(), async (c) => {
    const userId = targetOf(c);
    const body = await readJsonBody(c, DeleteBody);
    if (body.confirm !== DELETE_CONFIRMATION)
      throw new AppError("confirmation_required", { message: `Send {"confirm": "${DELETE_CONFIRMATION}"}.` });
    const deps = await lifecycleDependencies(c);
    const result = await softDeleteUser(deps, {
      userId,
      actorId: c.var.session.userId,
      client: await clientInfo(c),
    });
    if (result.kind !== "deleted") return refuseDeletion(result);
    return c.json({ status: "deleted", userId, scrubOn: result.scrubOn.toISOString() });
  })
  .delete("/admin/users/:id", doc.hardDelete, ...requirePlatformAdmin(), async (c) => {
    const userId = targetOf(c);
    // Irreversible: the caller repeats the user's id (?confirm=<id>), so a mistyped path deletes nobody.
    if (c.req.query("confirm") !== userId)
      throw new AppError("confirmation_required", { message: "Repeat the user's id as ?confirm=<id>." });
    const deps = await authDependencies(c);
    const result = await hardDeleteUser(deps, { userId, actorId: c.var.session.userId, client: await clientInfo(c) });
    if (result.kind !== "deleted") return refuseDeletion(result);
    return c.json({ status: "hard_deleted", userId });
  });
