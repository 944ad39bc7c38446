// Request schemas of the profile and preferences routes, shared by the JSON API and the account page.
import { z } from "zod";
import { DisplayName } from "../account/schemas.ts";
import {
  NOTIFICATION_KINDS,
  NotificationChannelsAnswer,
  NotificationChannelsPatch,
} from "../notifications/channels.ts";
import { ReissuedToken } from "../session/schemas.ts";
import { normalizeUsername, USERNAME_MAX_LENGTH, USERNAME_PROBLEM_MESSAGES, usernameProblem } from "./username.ts";

export const AVATAR_URL_MAX_LENGTH = 2048;
export const TIME_ZONE_MAX_LENGTH = 64;
export const THEMES = ["LIGHT", "DARK", "SYSTEM"] as const;
export type Theme = (typeof THEMES)[number];

/** A username as typed: normalized, then checked (length, characters, reserved). */
export const Username = z
  .string()
  .max(USERNAME_MAX_LENGTH * 4)
  .transform(normalizeUsername)
  .superRefine((value, ctx) => {
    const problem = usernameProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: USERNAME_PROBLEM_MESSAGES[problem] });
  });

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

export type AvatarProblem = "length" | "not_https" | "credentials" | "invalid";

/**
 * Why `value` is not an acceptable avatar URL, or null. Only https, with a host and without
 * credentials: the Worker never fetches it, but a browser showing it must not leak a secret or load
 * mixed content, and `javascript:`/`data:` never qualify.
 */
export function avatarUrlProblem(value: string): AvatarProblem | null {
  if (value.length > AVATAR_URL_MAX_LENGTH) return "length";
  // Whitespace and controls the URL parser would silently strip make a URL read differently than stored.
  if (/[\s\p{Cc}]/u.test(value)) return "invalid";
  const url = parseUrl(value);
  if (!url) return "invalid";
  if (url.protocol !== "https:" || url.hostname === "") return "not_https";
  if (url.username !== "" || url.password !== "") return "credentials";
  return null;
}

const AVATAR_PROBLEM_MESSAGES: Record<AvatarProblem, string> = {
  length: `must be at most ${AVATAR_URL_MAX_LENGTH} characters`,
  not_https: "must be an https:// URL",
  credentials: "must not contain a user name or password",
  invalid: "must be a URL",
};

/** An avatar as an https URL, stored as the parser writes it (so what is shown is what was checked). */
export const AvatarUrl = z
  .string()
  .superRefine((value, ctx) => {
    const problem = avatarUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: AVATAR_PROBLEM_MESSAGES[problem] });
  })
  .transform((value) => new URL(value).href)
  .pipe(z.string().max(AVATAR_URL_MAX_LENGTH));

/** PATCH /auth/profile: every field optional (absent: unchanged), null clears. */
export const ProfilePatch = z.strictObject({
  name: DisplayName.nullable().optional(),
  username: Username.nullable().optional(),
  avatarUrl: AvatarUrl.nullable().optional(),
});
export type ProfilePatch = z.output<typeof ProfilePatch>;

/** The canonical spelling of a BCP 47 tag, or undefined when it is not one. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical;
  } catch {
    return undefined;
  }
}

/**
 * `name` when it is an IANA time zone workerd knows, in its proper case ("europe/paris" → "Europe/Paris");
 * otherwise undefined. A link keeps the name the user chose ("Asia/Kolkata" is not turned into ICU's
 * "Asia/Calcutta").
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.length === 0 || name.length > TIME_ZONE_MAX_LENGTH) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (resolved.toLowerCase() === name.toLowerCase()) return resolved;
  const listed = Intl.supportedValuesOf("timeZone").find((zone) => zone.toLowerCase() === name.toLowerCase());
  return listed ?? name;
}

const TimeZone = z
  .string()
  .max(TIME_ZONE_MAX_LENGTH)
  .transform((value, ctx) => {
    const canonical = canonicalTimeZone(value);
    if (canonical === undefined) {
      ctx.addIssue({ code: "custom", message: "must be an IANA time zone such as Europe/Paris" });
      return z.NEVER;
    }
    return canonical;
  });

/**
 * PATCH /auth/preferences for the hosted pages' catalogues `locales`. Every field optional, null
 * resets a field to its default. New kinds of preference (notification channels) are new keys here.
 */
export function preferencesPatchSchema(locales: readonly string[]) {
  const Locale = z
    .string()
    .max(35)
    .transform((value, ctx) => {
      const canonical = canonicalLocale(value);
      if (canonical === undefined) {
        ctx.addIssue({ code: "custom", message: "must be a BCP 47 language tag" });
        return z.NEVER;
      }
      if (!locales.includes(canonical)) {
        ctx.addIssue({ code: "custom", message: `must be one of: ${locales.join(", ")}` });
        return z.NEVER;
      }
      return canonical;
    });
  return z.strictObject({
    theme: z.enum(THEMES).nullable().optional(),
    locale: Locale.nullable().optional(),
    timeZone: TimeZone.nullable().optional(),
    // issue 15: per notification type, { inApp, email }; null resets to the defaults.
    notifications: NotificationChannelsPatch.nullable().optional(),
  });
}
export type PreferencesPatch = z.output<ReturnType<typeof preferencesPatchSchema>>;

// The documented shapes of the answers (service.ts's Profile and Preferences).
const Profile = z.object({
  name: z.string().nullable(),
  username: z.string().nullable(),
  avatarUrl: z.string().nullable(),
});
/** The user's preferences as answered (and as the account export holds them). */
export const Preferences = z.object({
  theme: z.enum(THEMES),
  locale: z.string().nullable(),
  timeZone: z.string().nullable(),
  notifications: NotificationChannelsAnswer,
});
export const ProfileResponse = z.object({ profile: Profile });
export const ProfileUpdateResponse = z.object({
  profile: Profile,
  changed: z.array(z.enum(["name", "username", "avatarUrl"])),
  session: ReissuedToken.optional().meta({ description: "A new access token when the name or username changed." }),
});
export const PreferencesResponse = z.object({ preferences: Preferences });
export const PreferencesUpdateResponse = z.object({
  preferences: Preferences,
  changed: z.array(
    z.union([
      z.enum(["theme", "locale", "timeZone"]),
      z.templateLiteral(["notifications.", z.enum(NOTIFICATION_KINDS)]),
    ]),
  ),
});
