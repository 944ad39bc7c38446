// The admin console (/auth/admin): the users list and one user's page with its forms. Handlers call the
// same services as the /admin API (never the API over HTTP) behind the same checks (guard.tsx).
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { adminActor, adminDependencies } from "../../features/admin/context.ts";
import { presentUserDetail } from "../../features/admin/present.ts";
import { findUserDetail, listRoles, searchUsers } from "../../features/admin/repository.ts";
import { grantPlatformRole, removePlatformRole } from "../../features/admin/roles.ts";
import { encodeCursor, RoleKey, UserId, UserSearchQuery } from "../../features/admin/schemas.ts";
import {
  disableUserAsAdmin,
  enableUserAsAdmin,
  revokeUserSessionsAsAdmin,
  sendPasswordResetAsAdmin,
} from "../../features/admin/service.ts";
import { DELETE_CONFIRMATION, lifecycleDependencies } from "../../features/lifecycle/routes.ts";
import { hardDeleteUser, softDeleteUser } from "../../features/lifecycle/service.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { readForm } from "../form-body.ts";
import type { Messages } from "../messages/index.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import { CONSOLE_PATH, consoleAdmin, userPagePath } from "./guard.tsx";
import { UserPage } from "./user-page.tsx";
import { UsersPage } from "./users-page.tsx";

const Done = z.enum(["disabled", "enabled", "unchanged", "sessions", "reset", "granted", "removed", "deleted"]);
type Done = z.infer<typeof Done>;
type Failure = {
  status: PageOptions["status"];
  message: (t: Messages["admin"]) => string;
  /** The form field the message belongs to, when it is about one. */
  field?: "confirm" | "confirm_email";
};

const failures = {
  self: { status: 409, message: (a) => a.errors.self },
  deleted: { status: 409, message: (a) => a.errors.deleted },
  unknown_role: { status: 400, message: (a) => a.errors.unknownRole },
  last_admin: { status: 409, message: (a) => a.errors.lastAdmin },
  not_granted: { status: 404, message: (a) => a.errors.notGranted },
  session_not_found: { status: 404, message: (a) => a.errors.sessionNotFound },
  delete_self: { status: 409, message: (a) => a.errors.deleteSelf },
  not_active: { status: 409, message: (a) => a.errors.notActive },
  grant_not_active: { status: 409, message: (a) => a.errors.grantNotActive },
  confirm_delete: { status: 400, message: (a) => a.errors.confirmDelete, field: "confirm" },
  confirm_email: { status: 400, message: (a) => a.errors.confirmEmail, field: "confirm_email" },
} satisfies Record<string, Failure>;

const lastOwner = (slug: string): Failure => ({ status: 409, message: (a) => a.errors.lastOwner(slug) });

async function showUser(c: Context<AppEnv>, userId: string, options: { done?: Done; failure?: Failure } = {}) {
  const db = c.var.db();
  const [user, roles] = await Promise.all([findUserDetail(db, userId), listRoles(db)]);
  if (!user) throw new AppError("not_found");
  const presented = presentUserDetail(user, new Date());
  const platformRoleKeys = roles.filter((role) => role.scope === "PLATFORM").map((role) => role.key);
  return renderPage(c, { title: presented.profile.email, status: options.failure?.status, wide: true }, (view) => (
    <UserPage
      view={view}
      user={presented}
      platformRoleKeys={platformRoleKeys}
      retentionDays={c.var.config.deletedUserRetentionDays}
      notice={options.done ? view.t.admin.done[options.done] : undefined}
      state={failureState(view.t.admin, options.failure)}
    />
  ));
}

function failureState(a: Messages["admin"], failure: Failure | undefined) {
  if (!failure) return {};
  const message = failure.message(a);
  return failure.field ? { errors: { [failure.field]: message } } : { formError: message };
}

/** A form POST on one user's page: Origin-checked form, the console's checks, a well-formed id. */
async function userForm(c: Context<AppEnv>) {
  const fields = await readForm(c);
  const id = UserId.safeParse(c.req.param("id"));
  // A malformed id names no page: the same 404 page as an unknown user.
  if (!id.success) throw new AppError("not_found");
  const auth = await consoleAdmin(c, userPagePath(id.data));
  if ("response" in auth) return auth;
  return { fields, userId: id.data, actor: await adminActor(c, auth.session.userId), deps: await adminDependencies(c) };
}

const done = (c: Context<AppEnv>, userId: string, notice: Done) =>
  seeOther(c, `${userPagePath(userId)}?done=${notice}`);

export const adminConsoleRoutes = new Hono<AppEnv>()
  .get(CONSOLE_PATH, async (c) => {
    const url = new URL(c.req.url);
    const auth = await consoleAdmin(c, url.pathname + url.search);
    if ("response" in auth) return auth.response;
    const raw = { q: c.req.query("q") ?? "", status: c.req.query("status") ?? "" };
    const query = UserSearchQuery.safeParse(
      Object.fromEntries(
        Object.entries(c.req.query()).filter(([name, value]) => value !== "" && name !== "" && name !== "done"),
      ),
    );
    const page = query.success
      ? await searchUsers(c.var.db(), {
          query: query.data.q || undefined,
          status: query.data.status,
          before: query.data.cursor,
          limit: query.data.limit,
        })
      : { items: [], nextCursor: null };
    const next = new URLSearchParams({ ...(raw.q ? { q: raw.q } : {}), ...(raw.status ? { status: raw.status } : {}) });
    if (page.nextCursor) next.set("cursor", encodeCursor(page.nextCursor));
    return renderPage(c, { title: ({ t }) => t.admin.title, status: query.success ? 200 : 400, wide: true }, (view) => (
      <UsersPage
        view={view}
        users={page.items}
        query={raw}
        nextPath={page.nextCursor ? `${CONSOLE_PATH}?${next}` : null}
        notice={c.req.query("done") === "hard_deleted" ? view.t.admin.done.hard_deleted : undefined}
        state={query.success ? {} : { formError: view.t.errorPage.generic }}
      />
    ));
  })
  .get(`${CONSOLE_PATH}/users/:id`, async (c) => {
    const id = UserId.safeParse(c.req.param("id"));
    const auth = await consoleAdmin(c, new URL(c.req.url).pathname);
    if ("response" in auth) return auth.response;
    if (!id.success) throw new AppError("not_found");
    const notice = Done.safeParse(c.req.query("done"));
    return showUser(c, id.data, { done: notice.success ? notice.data : undefined });
  })
  .post(`${CONSOLE_PATH}/users/:id/disable`, async (c) => {
    const form = await userForm(c);
    if ("response" in form) return form.response;
    const result = await disableUserAsAdmin(form.deps, form.actor, { userId: form.userId });
    if (result.kind === "not_found") throw new AppError("not_found");
    if (result.kind === "self" || result.kind === "deleted" || result.kind === "last_admin")
      return showUser(c, form.userId, { failure: failures[result.kind] });
    return done(c, form.userId, result.kind === "changed" ? "disabled" : "unchanged");
  })
  .post(`${CONSOLE_PATH}/users/:id/enable`, async (c) => {
    const form = await userForm(c);
    if ("response" in form) return form.response;
    const result = await enableUserAsAdmin(form.deps, form.actor, { userId: form.userId });
    if (result.kind === "not_found") throw new AppError("not_found");
    if (result.kind === "self" || result.kind === "deleted")
      return showUser(c, form.userId, { failure: failures[result.kind] });
    return done(c, form.userId, result.kind === "changed" ? "enabled" : "unchanged");
  })
  .post(`${CONSOLE_PATH}/users/:id/sessions/revoke`, async (c) => {
    const form = await userForm(c);
    if ("response" in form) return form.response;
    const sessionId = form.fields.session_id === undefined ? undefined : z.uuid().safeParse(form.fields.session_id);
    if (sessionId && !sessionId.success) return showUser(c, form.userId, { failure: failures.session_not_found });
    const result = await revokeUserSessionsAsAdmin(form.deps, form.actor, {
      userId: form.userId,
      sessionId: sessionId?.data,
    });
    if (result.kind === "not_found") throw new AppError("not_found");
    if (result.kind === "session_not_found") return showUser(c, form.userId, { failure: failures.session_not_found });
    return done(c, form.userId, "sessions");
  })
  .post(`${CONSOLE_PATH}/users/:id/password-reset`, async (c) => {
    const form = await userForm(c);
    if ("response" in form) return form.response;
    const result = await sendPasswordResetAsAdmin(form.deps, form.actor, { userId: form.userId });
    if (result.kind === "not_found") throw new AppError("not_found");
    if (result.kind === "deleted") return showUser(c, form.userId, { failure: failures.deleted });
    return done(c, form.userId, "reset");
  })
  .post(`${CONSOLE_PATH}/users/:id/platform-roles`, async (c) => {
    const form = await userForm(c);
    if ("response" in form) return form.response;
    const role = RoleKey.safeParse(form.fields.role);
    if (!role.success) return showUser(c, form.userId, { failure: failures.unknown_role });
    const result = await grantPlatformRole(form.deps, form.actor, { userId: form.userId, roleKey: role.data });
    if (result.kind === "not_found") throw new AppError("not_found");
    if (result.kind === "granted" || result.kind === "already_granted") return done(c, form.userId, "granted");
    return showUser(c, form.userId, {
      failure: result.kind === "not_active" ? failures.grant_not_active : failures.unknown_role,
    });
  })
  .post(`${CONSOLE_PATH}/users/:id/platform-roles/remove`, async (c) => {
    const form = await userForm(c);
    if ("response" in form) return form.response;
    const role = RoleKey.safeParse(form.fields.role);
    if (!role.success) return showUser(c, form.userId, { failure: failures.unknown_role });
    const result = await removePlatformRole(form.deps, form.actor, { userId: form.userId, roleKey: role.data });
    if (result.kind === "not_found") throw new AppError("not_found");
    if (result.kind === "removed") return done(c, form.userId, "removed");
    const failure =
      result.kind === "granted" || result.kind === "already_granted" ? failures.unknown_role : failures[result.kind];
    return showUser(c, form.userId, { failure });
  })
  .post(`${CONSOLE_PATH}/users/:id/delete`, async (c) => {
    const form = await userForm(c);
    if ("response" in form) return form.response;
    if (form.userId === form.actor.adminId) return showUser(c, form.userId, { failure: failures.delete_self });
    if (form.fields.confirm !== DELETE_CONFIRMATION)
      return showUser(c, form.userId, { failure: failures.confirm_delete });
    const result = await softDeleteUser(await lifecycleDependencies(c), {
      userId: form.userId,
      actorId: form.actor.adminId,
      client: form.actor.client,
    });
    if (result.kind === "not_found") throw new AppError("not_found");
    if (result.kind === "last_owner") return showUser(c, form.userId, { failure: lastOwner(result.tenantSlug) });
    if (result.kind === "not_active") return showUser(c, form.userId, { failure: failures.not_active });
    if (result.kind === "last_admin") return showUser(c, form.userId, { failure: failures.last_admin });
    return done(c, form.userId, "deleted");
  })
  .post(`${CONSOLE_PATH}/users/:id/hard-delete`, async (c) => {
    const form = await userForm(c);
    if ("response" in form) return form.response;
    if (form.userId === form.actor.adminId) return showUser(c, form.userId, { failure: failures.delete_self });
    const target = await c.var.db().user.findUnique({ where: { id: form.userId }, select: { email: true } });
    if (!target) throw new AppError("not_found");
    // Irreversible: the admin types the address, so a form posted by mistake deletes nobody.
    if ((form.fields.confirm_email ?? "").trim().toLowerCase() !== target.email.toLowerCase())
      return showUser(c, form.userId, { failure: failures.confirm_email });
    const result = await hardDeleteUser(await lifecycleDependencies(c), {
      userId: form.userId,
      actorId: form.actor.adminId,
      client: form.actor.client,
    });
    if (result.kind === "not_found") throw new AppError("not_found");
    if (result.kind === "last_owner") return showUser(c, form.userId, { failure: lastOwner(result.tenantSlug) });
    if (result.kind === "last_admin") return showUser(c, form.userId, { failure: failures.last_admin });
    return seeOther(c, `${CONSOLE_PATH}?done=hard_deleted`);
  });
