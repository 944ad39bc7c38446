// TOTP (RFC 6238, SHA-1, 30 s, 6 digits — what authenticator apps expect), checked step by step so
// the accepted step can be recorded and never accepted again (RFC 6238 §5.2).
import { generateHOTP } from "@oslojs/otp";
import { constantTimeEqual } from "../../crypto/bytes.ts";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Clock drift accepted: one step either side of now. */
const WINDOW_STEPS = 1;

export function stepAt(nowMs: number): bigint {
  return BigInt(Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS));
}

/** The code for a given step (what an authenticator would show then). */
export function totpForStep(secret: Uint8Array, step: bigint): string {
  return generateHOTP(secret, step, TOTP_DIGITS);
}

/**
 * The step `code` belongs to within now ± 1, if it is later than `lastUsedStep`; null otherwise.
 * Every candidate is compared in constant time so the position of a match does not leak.
 */
export function matchTotpStep(
  secret: Uint8Array,
  code: string,
  input: { nowMs: number; lastUsedStep: bigint | null },
): bigint | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = stepAt(input.nowMs);
  const presented = new TextEncoder().encode(code);
  let matched: bigint | null = null;
  for (let offset = -WINDOW_STEPS; offset <= WINDOW_STEPS; offset++) {
    const step = current + BigInt(offset);
    const candidate = new TextEncoder().encode(totpForStep(secret, step));
    if (constantTimeEqual(candidate, presented) && (input.lastUsedStep === null || step > input.lastUsedStep))
      matched ??= step;
  }
  return matched;
}
