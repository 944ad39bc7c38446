// Mail the account owner gets about their sign-ins; sent after the response (the caller defers it).

import type { DeliverySettings } from "../../delivery/mailer.ts";
import { sendEmail } from "../../delivery/mailer.ts";
import { newSignInNoticeMessage } from "../../delivery/templates.ts";
import type { SessionDeps } from "../session/service.ts";

/** "A new device signed in to your account", to `email`. */
export function sendNewDeviceNotice(
  deps: Pick<SessionDeps, "db" | "now">,
  mail: DeliverySettings,
  input: { email: string; userAgent: string | undefined },
): Promise<unknown> {
  const message = newSignInNoticeMessage({ userAgent: input.userAgent ?? "unknown", at: deps.now });
  return sendEmail(deps.db, mail, input.email, message);
}
