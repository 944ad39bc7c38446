// The admin API's door: a session whose user holds PLATFORM_ADMIN (in the token and, at this moment,
// in the database), that proved a second factor, with a recent sign-in (step-up rules as elsewhere).
import { createMiddleware } from "hono/factory";
import type { Database } from "../../db/client.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { requireSession, requireStepUp } from "../session/middleware.ts";
import { PLATFORM_ADMIN } from "../tenancy/role-catalogue.ts";

/**
 * PLATFORM_ADMIN in the token and, at this moment, in the database: the token may be up to one
 * access-token lifetime old, and a removed grant must end admin powers now. The console checks the same.
 */
export async function holdsPlatformAdmin(db: Database, session: AuthenticatedSession): Promise<boolean> {
  if (!session.roles.includes(PLATFORM_ADMIN)) return false;
  const grant = await db.platformRoleGrant.findUnique({
    where: { userId_roleKey: { userId: session.userId, roleKey: PLATFORM_ADMIN } },
  });
  return grant !== null;
}

const requirePlatformAdminGrant = createMiddleware<AppEnv>(async (c, next) => {
  if (!(await holdsPlatformAdmin(c.var.db(), c.var.session))) throw new AppError("forbidden");
  await next();
});

/** Middleware for every /admin/* route: 401 without a session, 403 without the role, 401 step-up otherwise. */
export function requirePlatformAdmin() {
  return [requireSession(), requirePlatformAdminGrant, requireStepUp({ amr: ["mfa"] })] as const;
}
