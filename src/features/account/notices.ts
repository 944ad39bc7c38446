// Mail the account owner gets about their sign-ins; sent after the response (the caller defers it).

import type { Context } from "hono";
import type { DeliverySettings } from "../../delivery/mailer.ts";
import { sendEmail } from "../../delivery/mailer.ts";
import { newSignInNoticeMessage } from "../../delivery/templates.ts";
import type { AppEnv } from "../../http/app-env.ts";
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

/**
 * After a sign-in's response (a slow mail provider must not slow the sign-in down): the notice, when
 * the sign-in came from a device the account has not used before.
 */
export function deferNewDeviceNotice(
  c: Context<AppEnv>,
  deps: Pick<SessionDeps, "db" | "now">,
  signedIn: { newDevice: boolean; user: { email: string } },
): void {
  if (!signedIn.newDevice) return;
  const userAgent = c.req.header("user-agent");
  c.var.defer(() => sendNewDeviceNotice(deps, c.var.config.mail, { email: signedIn.user.email, userAgent }));
}
