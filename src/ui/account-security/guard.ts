// What the security pages check before a change: a session, and the same step-up the JSON API demands
// for that change (a recent sign-in; a proven second factor where the API asks for one).
import type { Context } from "hono";
import { lacksSecondFactorProof } from "../../features/mfa/factors.ts";
import { STEP_UP_ERRORS, stepUpShortfall } from "../../features/session/step-up.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { pageSession } from "../page-session.ts";
import { seeOther } from "../render.tsx";

export const SECURITY_PATH = "/auth/account/security";
export const ACCOUNT_PATH = "/auth/account";

/** Where a page sends a session that must prove itself again; it comes back to the security page. */
export const REAUTHENTICATE_LOCATION = `/auth/reauthenticate?return_to=${encodeURIComponent(SECURITY_PATH)}`;

/** Where a form POST without a session goes (back to the page, not to the POST's own path). */
export const SIGN_IN_LOCATION = `/auth/sign-in?return_to=${encodeURIComponent(SECURITY_PATH)}`;

/**
 * The step-up each change needs, as the JSON routes declare it:
 * - "recent": requireRecentAuthentication() (TOTP enroll, confirm, disable);
 * - "mfa": requireStepUp({ amr: ["mfa"] }) (new recovery codes);
 * - "recent+second_factor": requireRecentAuthentication() + requireSecondFactorWhenEnabled()
 *   (adding or removing a passkey).
 */
export type StepUpDemand = "recent" | "mfa" | "recent+second_factor";

export type StepUpError = "reauthentication_required" | "second_factor_required";

/** The error the API would answer for this session and demand, or null when it may go ahead. */
export async function stepUpError(
  c: Context<AppEnv>,
  session: AuthenticatedSession,
  demand: StepUpDemand,
): Promise<StepUpError | null> {
  const policy = { maxAgeSeconds: c.var.config.reauthMaxAgeSeconds, amr: demand === "mfa" ? ["mfa"] : undefined };
  const shortfall = stepUpShortfall(session, policy, Math.floor(Date.now() / 1000));
  if (shortfall) return STEP_UP_ERRORS[shortfall];
  if (demand === "recent+second_factor" && (await lacksSecondFactorProof({ db: c.var.db() }, session)))
    return "second_factor_required";
  return null;
}

/**
 * A POST's session and step-up: the session, or the redirect the page answers instead (sign-in
 * without a session; /auth/reauthenticate when the API would answer a step-up error).
 */
export async function postSession(
  c: Context<AppEnv>,
  demand: StepUpDemand | null,
): Promise<{ session: AuthenticatedSession } | { redirect: Response }> {
  const session = await pageSession(c);
  if (!session) return { redirect: seeOther(c, SIGN_IN_LOCATION) };
  if (demand && (await stepUpError(c, session, demand))) return { redirect: seeOther(c, REAUTHENTICATE_LOCATION) };
  return { session };
}
