// What a new password must be (NIST SP 800-63B): long enough, not absurdly long, not a known common one.
import { dictionary } from "@zxcvbn-ts/language-common";

/** Upper bound that still allows passphrases (≥ 128 characters) but bounds hashing work. */
export const PASSWORD_MAX_LENGTH = 256;

// zxcvbn-ts ships a ranked list of ~49,000 passwords seen most often in breaches.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary["passwords-common"] as string[]);

/** NFKC, so the same password typed on different keyboards or systems hashes the same. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

export type PasswordProblem = "too_short" | "too_long" | "common" | "contains_email";

/** Checks a (normalized) new password; no composition rules, by design. */
export function findPasswordProblem(
  password: string,
  options: { minLength: number; email?: string },
): PasswordProblem | null {
  const length = [...password].length;
  if (length < options.minLength) return "too_short";
  if (length > PASSWORD_MAX_LENGTH) return "too_long";
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) return "common";
  const localPart = options.email?.split("@")[0];
  if (localPart && localPart.length >= 3 && lowered === localPart) return "contains_email";
  return null;
}

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, (minLength: number) => string> = {
  too_short: (min) => `Use at least ${min} characters.`,
  too_long: () => `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
  common: () => "This password is too common; choose another.",
  contains_email: () => "Do not use your email address as your password.",
};

/** The size of the shipped common-password list (≥ 10,000 by requirement). */
export const COMMON_PASSWORD_COUNT = COMMON_PASSWORDS.size;
