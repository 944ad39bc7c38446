// GET/PATCH /auth/profile (name, username, avatar URL) and GET/PATCH /auth/preferences (theme, locale,
// time zone); a session that must first enroll a second factor reaches neither (requireSession).
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { describeSessionRoute } from "../../http/openapi/describe.ts";
import { requireSession } from "../session/middleware.ts";
import { reissueCallerToken } from "../session/respond.ts";
import {
  PreferencesResponse,
  PreferencesUpdateResponse,
  ProfilePatch,
  ProfileResponse,
  ProfileUpdateResponse,
  preferencesPatchSchema,
} from "./schemas.ts";
import { carriesProfileClaims, findPreferences, findProfile, updatePreferences, updateProfile } from "./service.ts";

export type ProfileRoutesOptions = {
  /** The locales a preference may name: the hosted pages' catalogues (ui/messages). */
  locales: readonly string[];
};

/** The profile and preferences routes, for the given catalogue locales. */
export function profileRoutes(options: ProfileRoutesOptions) {
  const PreferencesPatch = preferencesPatchSchema(options.locales);
  const doc = {
    profile: describeSessionRoute({
      operationId: "getProfile",
      tag: "profile",
      summary: "The user's name, username and avatar URL",
      responses: { 200: ProfileResponse },
    }),
    updateProfile: describeSessionRoute({
      operationId: "updateProfile",
      tag: "profile",
      summary: "Change the name, username or avatar URL (absent: unchanged; null clears)",
      body: ProfilePatch,
      responses: { 200: ProfileUpdateResponse },
      errors: ["username_taken"],
    }),
    preferences: describeSessionRoute({
      operationId: "getPreferences",
      tag: "profile",
      summary: "The user's theme, locale and time zone",
      responses: { 200: PreferencesResponse },
    }),
    updatePreferences: describeSessionRoute({
      operationId: "updatePreferences",
      tag: "profile",
      summary: "Change the theme, locale or time zone (absent: unchanged; null resets)",
      body: PreferencesPatch,
      responses: { 200: PreferencesUpdateResponse },
    }),
  };
  return new Hono<AppEnv>()
    .get("/auth/profile", doc.profile, requireSession(), async (c) => {
      const profile = await findProfile(c.var.db(), c.var.session.userId);
      if (!profile) throw new AppError("unauthenticated");
      c.header("Cache-Control", "no-store");
      return c.json({ profile });
    })
    .patch("/auth/profile", doc.updateProfile, requireSession(), async (c) => {
      const patch = await readJsonBody(c, ProfilePatch);
      const deps = await authDependencies(c);
      const result = await updateProfile(deps, {
        userId: c.var.session.userId,
        patch,
        client: await clientInfo(c),
      });
      if (result.kind === "username_taken") throw new AppError("username_taken");
      if (result.kind === "not_found") throw new AppError("unauthenticated");
      c.header("Cache-Control", "no-store");
      // The access token carries the name and username (the gateway's profile claims): a new one now.
      const session = carriesProfileClaims(result.changed)
        ? await reissueCallerToken(c, deps, c.var.session)
        : undefined;
      return c.json({ profile: result.profile, changed: result.changed, ...(session ? { session } : {}) });
    })
    .get("/auth/preferences", doc.preferences, requireSession(), async (c) => {
      const preferences = await findPreferences(c.var.db(), c.var.session.userId);
      c.header("Cache-Control", "no-store");
      return c.json({ preferences });
    })
    .patch("/auth/preferences", doc.updatePreferences, requireSession(), async (c) => {
      const patch = await readJsonBody(c, PreferencesPatch);
      const deps = await authDependencies(c);
      const result = await updatePreferences(deps.db, {
        userId: c.var.session.userId,
        patch,
        client: await clientInfo(c),
      });
      c.header("Cache-Control", "no-store");
      return c.json(result);
    });
}
