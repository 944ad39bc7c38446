// Request schemas shared by every route that takes a passkey response (sign-in, second factor,
// step-up, reset).
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";

const b64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .max(8192);

/** The browser's PublicKeyCredential as JSON; @simplewebauthn/server checks what is inside. */
export const PasskeyCredential = z.looseObject({
  id: b64url,
  rawId: b64url,
  type: z.literal("public-key"),
  response: z.looseObject({ clientDataJSON: b64url }),
});

/** The same credential, typed as the assertion the verifier expects. */
export const PasskeyAssertion = PasskeyCredential.transform((value) => value as unknown as AuthenticationResponseJSON);

/** A passkey's display name, as the user typed it. */
export const PasskeyName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");
