// issue 15: the account page's notification-channels form: a checked box turns a channel on, an
// unchecked one off (browsers send only checked boxes); the same service as PATCH /auth/preferences.
import { Hono } from "hono";
import {
  type Channels,
  MAILED_BY_EVENT,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from "../../features/notifications/channels.ts";
import { updatePreferences } from "../../features/profile/service.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readForm } from "../form-body.ts";
import { seeOther } from "../render.tsx";
import { CHANNELS_PATH, channelField } from "./channels-section.tsx";
import { accountSession, doneLocation } from "./context.ts";

/** Every type's channels as the form says; the always-mailed types keep their mail. */
function channelsOfForm(fields: Record<string, string>) {
  const patch: Partial<Record<NotificationKind, Partial<Channels>>> = {};
  for (const kind of NOTIFICATION_KINDS) {
    const inApp = fields[channelField(kind, "in_app")] !== undefined;
    patch[kind] = MAILED_BY_EVENT.has(kind)
      ? { inApp }
      : { inApp, email: fields[channelField(kind, "email")] !== undefined };
  }
  return patch;
}

export const accountChannelsRoutes = new Hono<AppEnv>().post(CHANNELS_PATH, async (c) => {
  const fields = await readForm(c);
  const auth = await accountSession(c);
  if ("redirect" in auth) return auth.redirect;
  await updatePreferences((await authDependencies(c)).db, {
    userId: auth.session.userId,
    patch: { notifications: channelsOfForm(fields) },
    client: await clientInfo(c),
  });
  return seeOther(c, doneLocation("notifications"));
});
