// GET /auth/account (the overview) and its own forms: name, password, and ending sessions. Email and
// phone changes, which take a code, live in email-routes.tsx and phone-routes.tsx.
import { Hono } from "hono";
import { z } from "zod";
import { normalizePassword, PASSWORD_MAX_LENGTH } from "../../features/account/password-policy.ts";
import { DISPLAY_NAME_MAX_LENGTH, DisplayName } from "../../features/account/schemas.ts";
import { changePassword } from "../../features/account/service.ts";
import { carriesProfileClaims, updateProfile } from "../../features/profile/service.ts";
import { reissueCallerToken } from "../../features/session/respond.ts";
import { revokeOtherSessions, revokeOwnSession } from "../../features/session/revoke.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { clearSessionCookies } from "../../http/cookies.ts";
import type { FieldErrors } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { type PageOptions, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import { accountSession, Done, doneLocation } from "./context.ts";
import type { FailedForm } from "./overview.tsx";
import { showOverview } from "./show-overview.tsx";

// The same bounds as POST /auth/password/change; the policy itself is checked by changePassword.
const password = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4)
  .transform(normalizePassword);
const PasswordForm = z.object({ current_password: password, new_password: password });
const SessionIdField = z.uuid();

/** The message for a name DisplayName refused (the schema decides; this only picks the words). */
function nameError(view: View, name: string): string {
  const trimmed = name.trim();
  if (trimmed === "") return view.t.common.required(view.t.common.name);
  if (trimmed.length > DISPLAY_NAME_MAX_LENGTH) return view.t.common.tooLong(view.t.common.name);
  return view.t.account.profile.invalidName;
}

function passwordErrors(view: View, fields: Record<string, string>): FieldErrors {
  const { t } = view;
  const errors: FieldErrors = {};
  if (!PasswordForm.shape.current_password.safeParse(fields.current_password ?? "").success)
    errors.current_password = fields.current_password
      ? t.common.tooLong(t.account.password.current)
      : t.common.required(t.account.password.current);
  if (!PasswordForm.shape.new_password.safeParse(fields.new_password ?? "").success)
    errors.new_password = fields.new_password
      ? t.account.password.problems.too_long(PASSWORD_MAX_LENGTH)
      : t.common.required(t.account.password.new);
  return errors;
}

export const accountRoutes = new Hono<AppEnv>()
  .get("/auth/account", async (c) => {
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const done = Done.safeParse(c.req.query("done"));
    return showOverview(c, auth.session, { done: done.success ? done.data : undefined });
  })
  .post("/auth/account/name", async (c) => {
    const fields = await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const name = fields.name ?? "";
    const parsed = DisplayName.safeParse(name);
    if (!parsed.success) {
      return showOverview(c, auth.session, {
        failure: {
          status: 400,
          failed: (view) => ({ form: "name", state: { values: { name }, errors: { name: nameError(view, name) } } }),
        },
      });
    }
    const deps = await authDependencies(c);
    const updated = await updateProfile(deps, {
      userId: auth.session.userId,
      patch: { name: parsed.data },
      client: await clientInfo(c),
    });
    if (updated.kind === "ok" && carriesProfileClaims(updated.changed)) await reissueCallerToken(c, deps, auth.session);
    return seeOther(c, doneLocation("name"));
  })
  .post("/auth/account/password", async (c) => {
    const fields = await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const fail = (status: PageOptions["status"], state: (view: View) => FailedForm["state"]) =>
      showOverview(c, auth.session, {
        failure: { status, failed: (view) => ({ form: "password", state: state(view) }) },
      });
    const parsed = PasswordForm.safeParse(fields);
    if (!parsed.success) return fail(400, (view) => ({ errors: passwordErrors(view, fields) }));
    const deps = { ...(await authDependencies(c)), accountSettings: c.var.config };
    const result = await changePassword(deps, {
      userId: auth.session.userId,
      sessionId: auth.session.sessionId,
      currentPassword: parsed.data.current_password,
      newPassword: parsed.data.new_password,
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "changed":
        return seeOther(c, doneLocation("password"));
      case "invalid_credentials":
        return fail(401, ({ t }) => ({ errors: { current_password: t.account.password.wrongCurrent } }));
      case "weak_password": {
        const limit = result.problem === "too_long" ? PASSWORD_MAX_LENGTH : c.var.config.passwordMinLength;
        return fail(400, ({ t }) => ({ errors: { new_password: t.account.password.problems[result.problem](limit) } }));
      }
      case "throttled":
        c.header("Retry-After", String(result.retryAfterSeconds));
        return fail(429, ({ t }) => ({ formError: t.common.tooManyAttempts(result.retryAfterSeconds) }));
      case "locked":
        return fail(423, ({ t }) => ({ formError: t.common.accountLocked }));
    }
  })
  .post("/auth/account/sessions/revoke", async (c) => {
    const fields = await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const sessionId = SessionIdField.safeParse(fields.session_id);
    const revoked =
      sessionId.success &&
      (await revokeOwnSession(await authDependencies(c), {
        userId: auth.session.userId,
        sessionId: sessionId.data,
        client: await clientInfo(c),
      }));
    if (!revoked) {
      return showOverview(c, auth.session, {
        failure: {
          status: sessionId.success ? 404 : 400,
          failed: ({ t }) => ({ form: "sessions", state: { formError: t.account.sessions.notFound } }),
        },
      });
    }
    if (sessionId.data === auth.session.sessionId) {
      // Cookies a refresh at the edge queued for this request belong to the session just ended.
      c.set("pendingSetCookies", []);
      clearSessionCookies(c);
      return seeOther(c, "/auth/signed-out");
    }
    return seeOther(c, doneLocation("session"));
  })
  .post("/auth/account/sessions/revoke-others", async (c) => {
    await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    await revokeOtherSessions(await authDependencies(c), {
      userId: auth.session.userId,
      currentSessionId: auth.session.sessionId,
      client: await clientInfo(c),
    });
    return seeOther(c, doneLocation("sessions"));
  });
