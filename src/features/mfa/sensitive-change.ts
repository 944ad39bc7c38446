// What a session must have proven before a change that could hand the account to someone else (a new
// email address, a new passkey): a recent sign-in, and a second factor when two-step sign-in is on.
// The JSON routes enforce it as requireRecentAuthentication() + requireSecondFactorWhenEnabled();
// the hosted pages ask this function, so both apply the very same two checks in the same order.
import type { Database } from "../../db/client.ts";
import type { AuthenticatedSession } from "../../http/app-env.ts";
import { stepUpShortfall } from "../session/step-up.ts";
import { hasSecondFactor } from "./factors.ts";

type SessionProof = Pick<AuthenticatedSession, "userId" | "amr" | "authTime">;

/** Whether two-step sign-in is on for the user and this session has not proven a second factor. */
export async function lacksRequiredSecondFactor(db: Database, session: SessionProof): Promise<boolean> {
  return !session.amr.includes("mfa") && (await hasSecondFactor({ db }, session.userId));
}

/** null when the session may make the change; otherwise what it must prove at /auth/reauthenticate. */
export async function sensitiveChangeShortfall(
  db: Database,
  session: SessionProof,
  options: { maxAgeSeconds: number; nowSeconds: number },
): Promise<"recent_sign_in" | "second_factor" | null> {
  if (stepUpShortfall(session, { maxAgeSeconds: options.maxAgeSeconds }, options.nowSeconds)) return "recent_sign_in";
  return (await lacksRequiredSecondFactor(db, session)) ? "second_factor" : null;
}
