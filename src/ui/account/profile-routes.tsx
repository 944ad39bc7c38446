// The account page's username-and-picture and preferences forms: the same schemas and services as
// PATCH /auth/profile and PATCH /auth/preferences, errors shown next to their fields.
import { Hono } from "hono";
import { z } from "zod";
import { AvatarUrl, preferencesPatchSchema, THEMES, Username } from "../../features/profile/schemas.ts";
import { carriesProfileClaims, updatePreferences, updateProfile } from "../../features/profile/service.ts";
import { normalizeUsername, usernameProblem } from "../../features/profile/username.ts";
import { reissueCallerToken } from "../../features/session/respond.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import type { FieldErrors } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { CATALOG_LOCALES } from "../messages/index.ts";
import { type PageOptions, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import { accountSession, doneLocation } from "./context.ts";
import { showOverview } from "./show-overview.tsx";

// An empty field clears the value: the forms cannot send null.
const orNull = <T extends z.ZodType>(schema: T) => z.union([z.literal("").transform(() => null), schema]);
const HandleForm = z.object({ username: orNull(Username), avatar_url: orNull(AvatarUrl) });
const PreferencesPatch = preferencesPatchSchema(CATALOG_LOCALES);
const PreferencesForm = z.object({
  theme: z.enum(THEMES),
  locale: orNull(PreferencesPatch.shape.locale.unwrap().unwrap()),
  time_zone: orNull(PreferencesPatch.shape.timeZone.unwrap().unwrap()),
});

function handleErrors(view: View, fields: Record<string, string>): FieldErrors {
  const t = view.t.profileSettings.handle;
  const errors: FieldErrors = {};
  if (!HandleForm.shape.username.safeParse(fields.username ?? "").success) {
    const reserved = usernameProblem(normalizeUsername(fields.username ?? "")) === "reserved";
    errors.username = reserved ? t.usernameReserved : t.usernameInvalid;
  }
  if (!HandleForm.shape.avatar_url.safeParse(fields.avatar_url ?? "").success) errors.avatar_url = t.avatarInvalid;
  return errors;
}

export const accountProfileRoutes = new Hono<AppEnv>()
  .post("/auth/account/profile", async (c) => {
    const fields = await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const values = { username: fields.username ?? "", avatar_url: fields.avatar_url ?? "" };
    const fail = (status: PageOptions["status"], errors: (view: View) => FieldErrors) =>
      showOverview(c, auth.session, {
        failure: { status, failed: (view) => ({ form: "profile", state: { values, errors: errors(view) } }) },
      });
    const parsed = HandleForm.safeParse(values);
    if (!parsed.success) return fail(400, (view) => handleErrors(view, values));
    const deps = await authDependencies(c);
    const result = await updateProfile(deps, {
      userId: auth.session.userId,
      patch: { username: parsed.data.username, avatarUrl: parsed.data.avatar_url },
      client: await clientInfo(c),
    });
    if (result.kind === "username_taken")
      return fail(409, ({ t }) => ({ username: t.profileSettings.handle.usernameTaken }));
    if (result.kind === "ok" && carriesProfileClaims(result.changed)) await reissueCallerToken(c, deps, auth.session);
    return seeOther(c, doneLocation("profile"));
  })
  .post("/auth/account/preferences", async (c) => {
    const fields = await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const values = { theme: fields.theme ?? "", locale: fields.locale ?? "", time_zone: fields.time_zone ?? "" };
    const parsed = PreferencesForm.safeParse(values);
    if (!parsed.success) {
      const errors = (view: View): FieldErrors => {
        const t = view.t.profileSettings.preferences;
        const shape = PreferencesForm.shape;
        return {
          ...(shape.theme.safeParse(values.theme).success ? {} : { theme: t.themeInvalid }),
          ...(shape.locale.safeParse(values.locale).success ? {} : { locale: t.languageInvalid }),
          ...(shape.time_zone.safeParse(values.time_zone).success ? {} : { time_zone: t.timeZoneInvalid }),
        };
      };
      return showOverview(c, auth.session, {
        failure: { status: 400, failed: (view) => ({ form: "preferences", state: { values, errors: errors(view) } }) },
      });
    }
    await updatePreferences((await authDependencies(c)).db, {
      userId: auth.session.userId,
      patch: { theme: parsed.data.theme, locale: parsed.data.locale, timeZone: parsed.data.time_zone },
      client: await clientInfo(c),
    });
    return seeOther(c, doneLocation("preferences"));
  });
