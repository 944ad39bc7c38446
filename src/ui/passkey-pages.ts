// What every page that takes a passkey shares: its options route answers JSON (the script reads it, no
// one sees it), and the form's passkey_response is parsed with the API's schema.
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Context } from "hono";
import type { MfaDeps } from "../features/mfa/sign-in.ts";
import { answerOptions, type OptionsResult } from "../features/passkeys/respond.ts";
import { PasskeyAssertion } from "../features/passkeys/schemas.ts";
import type { AppEnv } from "../http/app-env.ts";
import { authDependencies } from "../http/auth-context.ts";
import { assertSameOrigin } from "../http/csrf.ts";

/**
 * Starts an options route (its errors are JSON: src/ui/routes.ts): only our own origin may ask (each
 * answer stores a challenge, and a page's options are bound to its browser's cookies).
 */
export const beginOptionsRoute = assertSameOrigin;

/** The options route's answer as the passkey script expects it (`{options}`), or the refusal's JSON error. */
export const optionsResponse = <T>(c: Context<AppEnv>, result: OptionsResult<T>): Response =>
  answerOptions(c, result, (options) => ({ options }));

/** A form's passkey_response as an assertion, or null when it is missing, not JSON or not one. */
export function passkeyResponseOf(value: string | undefined): AuthenticationResponseJSON | null {
  if (!value) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  const result = PasskeyAssertion.safeParse(parsed);
  return result.success ? result.data : null;
}

/** What the second-factor and passkey services need (as the JSON routes build it). */
export async function mfaDependencies(c: Context<AppEnv>): Promise<MfaDeps> {
  return { ...(await authDependencies(c)), accountSettings: c.var.config, webauthn: c.var.config.webauthn };
}
