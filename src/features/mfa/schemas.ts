// The shapes of second-factor codes (shared by the JSON routes and the hosted pages), the MFA routes'
// request bodies and the documented shapes of their answers.
import { z } from "zod";
import { withAliases } from "../../http/aliases.ts";
import { normalizePassword } from "../account/password-policy.ts";
import { PasskeyAssertion } from "../passkeys/schemas.ts";

export const TotpCode = z.string().regex(/^\d{6}$/, "must be 6 digits");
export const RecoveryCode = z
  .string()
  .regex(/^[A-Za-z2-7]{5}-?[A-Za-z2-7]{5}$/, "must be a recovery code like ABCDE-FGHIJ");

const totp = TotpCode;
const recoveryCode = RecoveryCode;
const challenge = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be the challenge from the sign-in");
const clientKind = z.enum(["browser", "api"]).default("browser");
/** `recovery_code` is accepted as another spelling of `recoveryCode`. */
const RECOVERY_CODE_ALIAS = { recovery_code: "recoveryCode" };
const ONE_FACTOR = { description: "Exactly one factor; `recovery_code` is accepted for `recoveryCode`." };

/** One second factor of the user's: a TOTP code or a recovery code. */
export const Factor = withAliases(
  RECOVERY_CODE_ALIAS,
  z.union([z.strictObject({ totp }), z.strictObject({ recoveryCode })]).meta(ONE_FACTOR),
);
export const ConfirmBody = z.strictObject({ code: totp });
export const VerifyBody = withAliases(
  RECOVERY_CODE_ALIAS,
  z
    .union([
      z.strictObject({ challenge, totp, client: clientKind }),
      z.strictObject({ challenge, recoveryCode, client: clientKind }),
      z.strictObject({ challenge, passkey: PasskeyAssertion, client: clientKind }),
    ])
    .meta(ONE_FACTOR),
);
export const ChallengeBody = z.strictObject({ challenge });
export const ReauthenticateBody = withAliases(
  RECOVERY_CODE_ALIAS,
  z
    .union([
      z.strictObject({ password: z.string().min(1).max(1024).transform(normalizePassword) }),
      z.strictObject({ totp }),
      z.strictObject({ recoveryCode }),
      z.strictObject({ passkey: PasskeyAssertion }),
    ])
    .meta(ONE_FACTOR),
);

/** A new access token for the same session: Bearer callers get it here, browsers as their cookie. */
const RefreshedAccessToken = {
  accessToken: z.string().optional().meta({ description: "Bearer callers only." }),
  tokenType: z.literal("Bearer").optional(),
};
const RecoveryCodes = z.array(z.string()).meta({ description: "Shown once; each works once." });

export const ReauthenticatedResponse = z.object({ status: z.literal("reauthenticated"), ...RefreshedAccessToken });
export const MfaStatusResponse = z.object({
  totp: z.boolean(),
  passkeys: z.int().nonnegative(),
  recoveryCodesLeft: z.int().nonnegative(),
});
export const TotpEnrollmentResponse = z.object({
  secret: z.string().meta({ description: "The TOTP secret, base32." }),
  otpauthUri: z.string(),
  qrSvg: z.string().meta({ description: "The otpauth URI as a QR code (SVG markup)." }),
});
export const TotpEnabledResponse = z.object({
  status: z.literal("enabled"),
  recoveryCodes: RecoveryCodes,
  ...RefreshedAccessToken,
});
export const TotpDisabledResponse = z.object({ status: z.literal("disabled") });
export const RecoveryCodesResponse = z.object({ recoveryCodes: RecoveryCodes });
