// The admin API's door: a session whose user holds PLATFORM_ADMIN (in the token and, at this moment,
// in the database), that proved a second factor, with a recent sign-in (step-up rules as elsewhere).
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { requireSession, requireStepUp } from "../session/middleware.ts";
import { PLATFORM_ADMIN } from "../tenancy/role-catalogue.ts";

const holdsPlatformAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const session = c.var.session;
  if (!session.roles.includes(PLATFORM_ADMIN)) throw new AppError("forbidden");
  // The token may be up to one access-token lifetime old: a removed grant must end admin powers now.
  const grant = await c.var
    .db()
    .platformRoleGrant.findUnique({ where: { userId_roleKey: { userId: session.userId, roleKey: PLATFORM_ADMIN } } });
  if (!grant) throw new AppError("forbidden");
  await next();
});

/** Middleware for every /admin/* route: 401 without a session, 403 without the role, 401 step-up otherwise. */
export function requirePlatformAdmin() {
  return [requireSession(), holdsPlatformAdmin, requireStepUp({ amr: ["mfa"] })] as const;
}
