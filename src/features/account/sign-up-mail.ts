// The one mail a signup sends, for the JSON route and the sign-up page alike; the caller defers it.
import type { Config } from "../../config/index.ts";
import type { ClientInfo } from "../session/service.ts";
import { mailAfterSignup } from "../verification/service.ts";
import type { AccountDeps } from "./service.ts";

export type SignUpMailSettings = Pick<
  Config,
  "mail" | "appUrl" | "passwordMinLength" | "lockoutFailures" | "passwordHashParams"
>;

/**
 * The code and link to a new user, or a notice to the owner of a taken address. Callers run it after
 * the response, for a new and a taken address alike, so the answer and its timing stay the same (H3).
 */
export function sendSignUpMail(
  deps: AccountDeps,
  settings: SignUpMailSettings,
  input: { email: string; newUserId: string | null; client: ClientInfo; returnTo?: string },
): Promise<void> {
  const mailDeps = { ...deps, mail: settings.mail, appUrl: settings.appUrl, policy: settings };
  return mailAfterSignup(mailDeps, input);
}
