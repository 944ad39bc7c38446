// Notification types as the API names them, and the per-type channels (in-app, email) a user chooses.
import { z } from "zod";
import type { NotificationType } from "../../db/generated/enums.ts";

/** Every type, as the JSON API and the preferences name it (the database enum in lower case). */
export const NOTIFICATION_KINDS = [
  "new_device_sign_in",
  "password_changed",
  "email_changed",
  "second_factor_added",
  "second_factor_removed",
  "passkey_added",
  "identity_linked",
  "invitation_received",
  "account_deletion_scheduled",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const kindOfType = (type: NotificationType) => type.toLowerCase() as NotificationKind;
export const typeOfKind = (kind: NotificationKind) => kind.toUpperCase() as NotificationType;

/**
 * Types whose event already mails a security notice of its own (the new-device notice, the notice to
 * the old address, the identity notice, the invitation itself, the deletion notice with its way back):
 * that mail is always sent, so their email channel cannot be turned off and notifications never mail
 * them a second time.
 */
export const MAILED_BY_EVENT: ReadonlySet<NotificationKind> = new Set([
  "new_device_sign_in",
  "email_changed",
  "identity_linked",
  "invitation_received",
  "account_deletion_scheduled",
]);

export type Channels = { inApp: boolean; email: boolean };
export type NotificationChannels = Record<NotificationKind, Channels>;

/** In-app on for every type; mail on too, since every type is about the account's security. */
/** The answer's shape of every type's channels (GET /auth/preferences, the account export). */
export const NotificationChannelsAnswer = z.object(
  Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, z.object({ inApp: z.boolean(), email: z.boolean() })])),
);

export const DEFAULT_CHANNELS: Channels = { inApp: true, email: true };

export const defaultNotificationChannels = (): NotificationChannels =>
  Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, { ...DEFAULT_CHANNELS }])) as NotificationChannels;

const StoredChannels = z.record(z.string(), z.object({ inApp: z.boolean().optional(), email: z.boolean().optional() }));

/** The stored overrides (`user_preferences.notification_channels`) over the defaults; junk is ignored. */
export function channelsFromStored(stored: unknown): NotificationChannels {
  const channels = defaultNotificationChannels();
  const parsed = StoredChannels.safeParse(stored);
  if (!parsed.success) return channels;
  for (const kind of NOTIFICATION_KINDS) {
    const override = parsed.data[kind];
    if (override?.inApp !== undefined) channels[kind].inApp = override.inApp;
    if (override?.email !== undefined && !MAILED_BY_EVENT.has(kind)) channels[kind].email = override.email;
  }
  return channels;
}

/** What is stored: only the channels that differ from the defaults, so a new default reaches the rest. */
export function storedFromChannels(channels: NotificationChannels): Record<string, Partial<Channels>> {
  const stored: Record<string, Partial<Channels>> = {};
  for (const kind of NOTIFICATION_KINDS) {
    const override: Partial<Channels> = {};
    if (channels[kind].inApp !== DEFAULT_CHANNELS.inApp) override.inApp = channels[kind].inApp;
    if (channels[kind].email !== DEFAULT_CHANNELS.email) override.email = channels[kind].email;
    if (Object.keys(override).length > 0) stored[kind] = override;
  }
  return stored;
}

const ALWAYS_MAILED = "cannot be turned off: this event always mails a security notice";

const channelsPatchOf = (kind: NotificationKind) =>
  z
    .strictObject({
      inApp: z.boolean().optional(),
      email: MAILED_BY_EVENT.has(kind) ? z.literal(true, { error: ALWAYS_MAILED }).optional() : z.boolean().optional(),
    })
    .nullable()
    .optional();

/** PATCH /auth/preferences `notifications`: per type, either channel; null (whole or per type) resets. */
export const NotificationChannelsPatch = z.strictObject(
  Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, channelsPatchOf(kind)])) as Record<
    NotificationKind,
    ReturnType<typeof channelsPatchOf>
  >,
);
export type NotificationChannelsPatch = Partial<Record<NotificationKind, Partial<Channels> | null>> | null;

/** `current` with `patch` applied, and the names (`notifications.<kind>`) of the types that changed. */
export function applyChannelsPatch(
  current: NotificationChannels,
  patch: NotificationChannelsPatch,
): { channels: NotificationChannels; changed: string[] } {
  const next = defaultNotificationChannels();
  for (const kind of NOTIFICATION_KINDS) {
    const wanted = patch === null ? null : patch[kind];
    next[kind] = wanted === null ? { ...DEFAULT_CHANNELS } : { ...current[kind], ...definedOf(wanted ?? {}) };
  }
  const changed = NOTIFICATION_KINDS.filter(
    (kind) => next[kind].inApp !== current[kind].inApp || next[kind].email !== current[kind].email,
  ).map((kind) => `notifications.${kind}`);
  return { channels: next, changed };
}

const definedOf = (value: Partial<Channels>): Partial<Channels> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
