// The second factor a page form carries (two-factor step, step-up): a TOTP code in `code`, a recovery
// code in `recovery_code`, or a passkey assertion in `passkey_response`, checked with the API's schemas.
import type { SecondFactor } from "../features/mfa/factors.ts";
import { RecoveryCode, TotpCode } from "../features/mfa/schemas.ts";
import type { FormFields } from "./form-body.ts";
import { passkeyResponseOf } from "./passkey-pages.ts";

export type FactorField = "code" | "recovery_code" | "passkey_response";

export type FormFactor =
  | { kind: "factor"; field: FactorField; factor: SecondFactor }
  | { kind: "invalid"; field: FactorField; problem: "required" | "malformed" };

/** Which factor the form sent (each form of the page sends one of the fields), or what is wrong with it. */
export function factorOfForm(fields: FormFields): FormFactor {
  if ("passkey_response" in fields) {
    const passkey = passkeyResponseOf(fields.passkey_response);
    return passkey
      ? { kind: "factor", field: "passkey_response", factor: { passkey } }
      : { kind: "invalid", field: "passkey_response", problem: "malformed" };
  }
  if ("recovery_code" in fields) {
    const value = (fields.recovery_code ?? "").trim();
    if (!value) return { kind: "invalid", field: "recovery_code", problem: "required" };
    const parsed = RecoveryCode.safeParse(value);
    return parsed.success
      ? { kind: "factor", field: "recovery_code", factor: { recoveryCode: parsed.data } }
      : { kind: "invalid", field: "recovery_code", problem: "malformed" };
  }
  // Apps show codes as "123 456"; a pasted space is not a mistake.
  const value = (fields.code ?? "").replace(/\s+/g, "");
  if (!value) return { kind: "invalid", field: "code", problem: "required" };
  const parsed = TotpCode.safeParse(value);
  return parsed.success
    ? { kind: "factor", field: "code", factor: { totp: parsed.data } }
    : { kind: "invalid", field: "code", problem: "malformed" };
}

type FactorMessages = {
  codeRequired: string;
  codeMalformed: string;
  wrongCode: string;
  recoveryRequired: string;
  recoveryMalformed: string;
  wrongRecoveryCode: string;
  passkeyFailed: string;
};

/** The page state for a factor that is malformed (`problem`) or wrong (no problem): a field or form error. */
export function factorError(
  messages: FactorMessages,
  field: FactorField,
  problem?: "required" | "malformed",
): { errors?: Record<string, string>; formError?: string } {
  if (field === "passkey_response") return { formError: messages.passkeyFailed };
  if (field === "code") {
    const text = problem === "required" ? messages.codeRequired : problem ? messages.codeMalformed : messages.wrongCode;
    return { errors: { code: text } };
  }
  const text =
    problem === "required"
      ? messages.recoveryRequired
      : problem
        ? messages.recoveryMalformed
        : messages.wrongRecoveryCode;
  return { errors: { recovery_code: text } };
}
