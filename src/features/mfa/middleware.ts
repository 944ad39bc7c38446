// Guard for changes that would hand the account to someone else (a new passkey, a new email address):
// with two-step sign-in on, they need a session that proved a second factor, so a stolen session plus
// the password is not enough.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { stepUpChallenge } from "../session/step-up.ts";
import { lacksSecondFactorProof } from "./factors.ts";

/** After requireSession(): 401 `second_factor_required` when two-step is on and the session lacks "mfa". */
export function requireSecondFactorWhenEnabled() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const session = c.var.session;
    if (await lacksSecondFactorProof({ db: c.var.db() }, session)) {
      c.header("WWW-Authenticate", stepUpChallenge({ amr: ["mfa"] }));
      throw new AppError("second_factor_required");
    }
    await next();
  });
}
