// Profile and preferences: reading them, and partial updates that audit the names of the fields that
// changed (never their values), in one transaction with the write.
import type { Database } from "../../db/client.ts";
import { recordAuditEvent } from "../audit/service.ts";
import {
  applyChannelsPatch,
  channelsFromStored,
  defaultNotificationChannels,
  type NotificationChannels,
  storedFromChannels,
} from "../notifications/channels.ts";
import type { ClientInfo } from "../session/service.ts";
import { incrementMembershipEpoch, publishMembershipEpoch } from "../tenancy/epoch.ts";
import type { PreferencesPatch, ProfilePatch, Theme } from "./schemas.ts";

export type Profile = { name: string | null; username: string | null; avatarUrl: string | null };
type DisplayPreferences = { theme: Theme; locale: string | null; timeZone: string | null };
export type Preferences = DisplayPreferences & { notifications: NotificationChannels };

/** What a user without a preferences row has (display part; notification channels: channels.ts). */
export const DEFAULT_PREFERENCES: DisplayPreferences = { theme: "SYSTEM", locale: null, timeZone: null };

/** Every preference's default, for a user without a row. */
export const defaultPreferences = (): Preferences => ({
  ...DEFAULT_PREFERENCES,
  notifications: defaultNotificationChannels(),
});

const profileOf = (user: { name: string | null; username: string | null; image: string | null }): Profile => ({
  name: user.name,
  username: user.username,
  avatarUrl: user.image,
});

/** The fields of `patch` whose value differs from `current`, in the patch's order. */
function changedFields<T extends Record<string, unknown>>(current: T, patch: Partial<T>): (keyof T & string)[] {
  return (Object.keys(patch) as (keyof T & string)[]).filter(
    (key) => patch[key] !== undefined && patch[key] !== current[key],
  );
}

/** The user's profile, or null when the user no longer exists. */
export async function findProfile(db: Database, userId: string): Promise<Profile | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { name: true, username: true, image: true } });
  return user ? profileOf(user) : null;
}

/** Whether a profile change touched what access tokens carry (the name and the username). */
export const carriesProfileClaims = (changed: readonly string[]) =>
  changed.includes("name") || changed.includes("username");

export type ProfileUpdate =
  | { kind: "ok"; profile: Profile; changed: string[] }
  | { kind: "username_taken" }
  | { kind: "not_found" };

/** What a profile change needs: the database, and KV to retire the user's tokens carrying the old claims. */
export type ProfileDeps = { db: Database; kv: KVNamespace; settings: { accessTokenTtlSeconds: number } };

/**
 * Applies `patch` (absent: unchanged, null: cleared). A username another user holds is
 * `username_taken`, decided by the unique index, so two users racing for one name cannot both win.
 * A change to what access tokens carry (name, username) moves the membership epoch on, so every other
 * session's token is refused at the edge (browsers refresh) instead of carrying a username that may
 * already be someone else's (review of issue 15); the caller reissues its own token.
 */
export async function updateProfile(
  deps: ProfileDeps,
  input: { userId: string; patch: ProfilePatch; client: ClientInfo },
): Promise<ProfileUpdate> {
  const result = await writeProfile(deps.db, input);
  if (result.kind === "ok" && result.epoch !== undefined)
    await publishMembershipEpoch(deps, input.userId, result.epoch);
  return result.kind === "ok" ? { kind: "ok", profile: result.profile, changed: result.changed } : result;
}

async function writeProfile(
  db: Database,
  input: { userId: string; patch: ProfilePatch; client: ClientInfo },
): Promise<(ProfileUpdate & { kind: "ok" } & { epoch?: number }) | Exclude<ProfileUpdate, { kind: "ok" }>> {
  const wanted = {
    name: input.patch.name,
    username: input.patch.username,
    avatarUrl: input.patch.avatarUrl,
  };
  try {
    return await db.$transaction(async (tx) => {
      const current = await findProfile(tx as Database, input.userId);
      if (!current) return { kind: "not_found" } as const;
      const changed = changedFields(current, wanted);
      if (changed.length === 0) return { kind: "ok", profile: current, changed } as const;
      const next = { ...current };
      for (const field of changed) next[field] = wanted[field] ?? null;
      await tx.user.update({
        where: { id: input.userId },
        data: { name: next.name, username: next.username, image: next.avatarUrl },
      });
      await recordAuditEvent(tx as Database, {
        action: "profile.updated",
        success: true,
        userId: input.userId,
        ...input.client,
        metadata: { fields: changed },
      });
      const epoch = carriesProfileClaims(changed) ? await incrementMembershipEpoch(tx, input.userId) : undefined;
      return { kind: "ok", profile: next, changed, ...(epoch === undefined ? {} : { epoch }) } as const;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return { kind: "username_taken" };
    throw error;
  }
}

/** The user's preferences, the defaults where none were chosen. */
export async function findPreferences(db: Database, userId: string): Promise<Preferences> {
  const row = await db.userPreference.findUnique({
    where: { userId },
    select: { theme: true, locale: true, timeZone: true, notificationChannels: true },
  });
  if (!row) return defaultPreferences();
  const { notificationChannels, ...display } = row;
  return { ...display, notifications: channelsFromStored(notificationChannels) };
}

/** Applies `patch` (absent: unchanged, null: back to the default); audits the changed field names. */
export async function updatePreferences(
  db: Database,
  input: { userId: string; patch: PreferencesPatch; client: ClientInfo },
): Promise<{ preferences: Preferences; changed: string[] }> {
  const wanted: Partial<DisplayPreferences> = {
    theme: input.patch.theme === null ? DEFAULT_PREFERENCES.theme : input.patch.theme,
    locale: input.patch.locale,
    timeZone: input.patch.timeZone,
  };
  return db.$transaction(async (tx) => {
    const current = await findPreferences(tx as Database, input.userId);
    const { notifications: currentChannels, ...display } = current;
    const displayChanged = changedFields(display, wanted);
    const next: Preferences = { ...current };
    for (const field of displayChanged) Object.assign(next, { [field]: wanted[field] ?? null });
    const changed: string[] = [...displayChanged];
    if (input.patch.notifications !== undefined) {
      const applied = applyChannelsPatch(currentChannels, input.patch.notifications);
      next.notifications = applied.channels;
      changed.push(...applied.changed);
    }
    if (changed.length === 0) return { preferences: current, changed };
    const { notifications, ...row } = next;
    const stored = { ...row, notificationChannels: storedFromChannels(notifications) };
    await tx.userPreference.upsert({
      where: { userId: input.userId },
      create: { userId: input.userId, ...stored },
      update: stored,
    });
    await recordAuditEvent(tx as Database, {
      action: "preferences.updated",
      success: true,
      userId: input.userId,
      ...input.client,
      metadata: { fields: changed },
    });
    return { preferences: next, changed };
  });
}
