// Request schemas of the verification routes (password reset, email and phone verification, email
// change) and the documented shapes of their answers.
import { z } from "zod";
import { withAliases } from "../../http/aliases.ts";
import { normalizeEmail } from "../account/email.ts";
import { normalizePassword, PASSWORD_MAX_LENGTH } from "../account/password-policy.ts";
import { PasskeyAssertion } from "../passkeys/schemas.ts";

const Email = z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254));
const LinkToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be the token from the link");
const Code = z.string().regex(/^\d{6}$/, "must be 6 digits");

export const ForgotBody = z.strictObject({ email: Email });
export const ResetBody = withAliases(
  { recovery_code: "recoveryCode" },
  z
    .strictObject({
      token: LinkToken,
      password: z
        .string()
        .min(1)
        .max(PASSWORD_MAX_LENGTH * 4)
        .transform(normalizePassword),
      totp: z
        .string()
        .regex(/^\d{6}$/, "must be 6 digits")
        .optional(),
      recoveryCode: z
        .string()
        .regex(/^[A-Za-z2-7]{5}-?[A-Za-z2-7]{5}$/, "must be a recovery code")
        .optional(),
      passkey: PasskeyAssertion.optional(),
    })
    .meta({
      description:
        "At most one of `totp`, `recoveryCode` (or `recovery_code`) and `passkey`: one is needed when the account has a second factor.",
    }),
);
export const ResetTokenBody = z.strictObject({ token: LinkToken });

/** `{}` (or no body) asks for the signed-in user; `{email}` for an address, without a session. */
export const EmailVerificationRequestBody = z
  .strictObject({ email: Email.optional() })
  .meta({ description: "`{}` or no body: for the signed-in user; `{email}`: for an address, without a session." });
export const EmailVerifyBody = z
  .union([
    z.strictObject({ code: Code }),
    z.strictObject({ email: Email, code: Code }),
    z.strictObject({ token: LinkToken }),
  ])
  .meta({ description: "A code alone needs the session of the user it was sent to; with `email`, none." });
export const EmailVerifyQuery = z.object({ token: LinkToken });

export const CodeBody = z.strictObject({ code: Code });
export const EmailChangeBody = z.strictObject({ email: Email });
// E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
export const PhoneBody = z.strictObject({
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number, e.g. +14155550123"),
});

/** The answer to a request by address: the same for every address, known or not. */
export const RequestedResponse = z.object({ status: z.literal("requested"), message: z.string() });
export const SentResponse = z.object({ status: z.literal("sent") });
export const AlreadyVerifiedResponse = z.object({ status: z.literal("already_verified") });
export const PasswordResetResponse = z.object({ status: z.literal("reset") });
export const VerifyLinkResponse = z.object({ status: z.literal("confirm"), message: z.string() });
export const EmailVerifiedResponse = z.object({ status: z.literal("verified") });
export const EmailChangedResponse = z.object({ status: z.literal("changed"), email: z.email() });
export const PhoneVerifiedResponse = z.object({ status: z.literal("verified"), phone: z.string() });
