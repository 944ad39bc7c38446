// The user's own lifecycle routes: POST /auth/account/delete (soft delete) and GET /auth/account/export.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { clearSessionCookies } from "../../http/cookies.ts";
import { describeSessionRoute } from "../../http/openapi/describe.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { requireSecondFactorWhenEnabled } from "../mfa/middleware.ts";
import { requireRecentAuthentication, requireSession } from "../session/middleware.ts";
import { exportAccountData } from "./export.ts";
import { AccountExportResponse, DeleteAccountResponse, DeleteBody } from "./schemas.ts";
import { type DeleteResult, type LifecycleDeps, softDeleteUser } from "./service.ts";

/** What a caller types to confirm a deletion: a deliberate word, so no stray request deletes an account. */
export const DELETE_CONFIRMATION = "DELETE";

/** The lifecycle services' dependencies for this request. */
export async function lifecycleDependencies(c: Context<AppEnv>): Promise<LifecycleDeps> {
  const config = c.var.config;
  return { ...(await authDependencies(c)), settings: config, mail: config.mail, appUrl: config.appUrl };
}

/** The API answer for a refused deletion (shared by the user's and the admin's routes). */
export function refuseDeletion(result: Exclude<DeleteResult, { kind: "deleted" }>): never {
  switch (result.kind) {
    case "last_owner":
      throw new AppError("last_owner", {
        message: `This account is the last owner of the tenant "${result.tenantSlug}"; make someone else an owner first.`,
      });
    case "last_admin":
      throw new AppError("last_platform_admin");
    case "not_found":
      throw new AppError("user_not_found");
    case "not_active":
      throw new AppError("user_not_active");
  }
}

const doc = {
  delete: describeSessionRoute({
    operationId: "deleteAccount",
    tag: "account",
    summary: "Delete the signed-in account (soft delete: scrubbed after the retention period) and end its sessions",
    description:
      "Needs a recent sign-in, and the second factor when one is enabled. A password reset within the retention period cancels the deletion.",
    body: DeleteBody,
    responses: { 200: DeleteAccountResponse },
    errors: [
      "reauthentication_required",
      "second_factor_required",
      "confirmation_required",
      "last_owner",
      "last_platform_admin",
      "user_not_found",
      "user_not_active",
    ],
  }),
  export: describeSessionRoute({
    operationId: "exportAccount",
    tag: "account",
    summary: "Download what the gateway holds about the signed-in user (JSON, no secrets or hashes)",
    description: "Needs a recent sign-in. Answered as an attachment (`Content-Disposition`).",
    responses: { 200: AccountExportResponse },
    errors: ["reauthentication_required"],
  }),
};

export const lifecycleRoutes = new Hono<AppEnv>()
  .post(
    "/auth/account/delete",
    doc.delete,
    requireSession(),
    requireRecentAuthentication(),
    requireSecondFactorWhenEnabled(),
    async (c) => {
      const body = await readJsonBody(c, DeleteBody);
      if (body.confirm !== DELETE_CONFIRMATION)
        throw new AppError("confirmation_required", { message: `Send {"confirm": "${DELETE_CONFIRMATION}"}.` });
      const deps = await lifecycleDependencies(c);
      const result = await softDeleteUser(deps, {
        userId: c.var.session.userId,
        actorId: null,
        client: await clientInfo(c),
      });
      if (result.kind !== "deleted") return refuseDeletion(result);
      clearSessionCookies(c);
      return c.json({ status: "deleted", scrubOn: result.scrubOn.toISOString() });
    },
  )
  .get("/auth/account/export", doc.export, requireSession(), requireRecentAuthentication(), async (c) => {
    const deps = await authDependencies(c);
    const userId = c.var.session.userId;
    const data = await exportAccountData(deps.db, userId, deps.now);
    if (!data) throw new AppError("unauthenticated");
    await recordAuditEvent(deps.db, { action: "account.exported", success: true, userId, ...(await clientInfo(c)) });
    c.header("Cache-Control", "no-store");
    c.header(
      "Content-Disposition",
      `attachment; filename="portcullis-account-${deps.now.toISOString().slice(0, 10)}.json"`,
    );
    return c.json(data);
  });
