// Mail the account owner gets about their sign-ins; sent after the response (the caller defers it).

import type { DeliverySettings } from "../../delivery/mailer.ts";
import { sendEmail } from "../../delivery/mailer.ts";
import { newSignInNoticeMessage } from "../../delivery/templates.ts";
import type { SessionDeps } from "../session/service.ts";

/**
 * Whether a sign-in about to start is worth telling the user about: they have signed in before, but
 * never from this user agent. Read before the new session exists.
 */
export async function isNewDevice(
  deps: Pick<SessionDeps, "db">,
  userId: string,
  userAgent: string | null,
): Promise<boolean> {
  const [earlierSessions, fromThisAgent] = await Promise.all([
    deps.db.session.count({ where: { userId } }),
    deps.db.session.count({ where: { userId, userAgent } }),
  ]);
  return earlierSessions > 0 && fromThisAgent === 0;
}

/** "A new device signed in to your account", to `email`. */
export function sendNewDeviceNotice(
  deps: Pick<SessionDeps, "db" | "now">,
  mail: DeliverySettings,
  input: { email: string; userAgent: string | undefined },
): Promise<unknown> {
  const message = newSignInNoticeMessage({ userAgent: input.userAgent ?? "unknown", at: deps.now });
  return sendEmail(deps.db, mail, input.email, message);
}
