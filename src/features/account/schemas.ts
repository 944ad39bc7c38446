// Request schemas of the account's JSON routes (field rules shared with its hosted pages) and the
// documented shapes of their answers.
import { z } from "zod";
import { DeliveredSession } from "../session/schemas.ts";
import { normalizeEmail } from "./email.ts";
import { normalizePassword, PASSWORD_MAX_LENGTH } from "./password-policy.ts";

export const DISPLAY_NAME_MAX_LENGTH = 200;

// No control characters: they have no place in a display name, and NUL is refused by Postgres.
export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(DISPLAY_NAME_MAX_LENGTH)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");

const Email = z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254));
// Length is checked after NFKC by the policy; this bound only stops absurd bodies early.
const Password = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4)
  .transform(normalizePassword);
const ClientKind = z
  .enum(["browser", "api"])
  .default("browser")
  .meta({ description: "`browser`: cookies (Origin-checked); `api`: the tokens in the body." });

export const SignUpBody = z.strictObject({
  email: Email,
  password: Password,
  name: DisplayName.optional(),
  client: ClientKind,
});
export const LogInBody = z.strictObject({
  email: Email,
  password: Password,
  client: ClientKind,
  returnTo: z.string().max(4096).optional(),
});
export const ChangePasswordBody = z.strictObject({ current: Password, new: Password });

export const SignedInResponse = z.object({ status: z.literal("signed_in"), session: DeliveredSession });
export const VerificationRequiredResponse = z.object({
  status: z.literal("verification_required"),
  message: z.string(),
});
export const LogInResponse = z.discriminatedUnion("status", [
  SignedInResponse.extend({
    redirectTo: z.string().meta({ description: "Where the sign-in page sends the browser next (validated)." }),
  }),
  z.object({
    status: z.literal("mfa_required"),
    challenge: z.string().meta({ description: "Answer it with a second factor at POST /auth/mfa/verify." }),
    methods: z.array(z.enum(["totp", "passkey", "recovery_code"])),
  }),
]);
export const ChangePasswordResponse = z.object({
  status: z.literal("changed"),
  revokedSessions: z.int().nonnegative().meta({ description: "The user's other sessions, now ended." }),
});
