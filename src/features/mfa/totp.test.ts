import { describe, expect, it } from "vitest";
import { matchTotpStep, stepAt, totpForStep } from "./totp.ts";

// RFC 6238 Appendix B, SHA-1 secret "12345678901234567890"; 8-digit values, whose last 6 digits are
// the 6-digit code (the same HMAC, truncated modulo 10^6).
const SECRET = new TextEncoder().encode("12345678901234567890");
const VECTORS: Array<[number, string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
];

describe("TOTP", () => {
  it("matches the RFC 6238 test vectors", () => {
    for (const [seconds, expected] of VECTORS)
      expect(totpForStep(SECRET, stepAt(seconds * 1000))).toBe(expected.slice(-6));
  });

  it("accepts the current step and one either side, and nothing further", () => {
    const now = 1_700_000_000_000;
    const step = stepAt(now);
    for (const offset of [-1n, 0n, 1n]) {
      expect(matchTotpStep(SECRET, totpForStep(SECRET, step + offset), { nowMs: now, lastUsedStep: null })).toBe(
        step + offset,
      );
    }
    for (const offset of [-2n, 2n]) {
      expect(matchTotpStep(SECRET, totpForStep(SECRET, step + offset), { nowMs: now, lastUsedStep: null })).toBeNull();
    }
  });

  it("refuses a replay of the accepted step and any step at or below it", () => {
    const now = 1_700_000_000_000;
    const step = stepAt(now);
    expect(matchTotpStep(SECRET, totpForStep(SECRET, step), { nowMs: now, lastUsedStep: step })).toBeNull();
    expect(matchTotpStep(SECRET, totpForStep(SECRET, step - 1n), { nowMs: now, lastUsedStep: step - 1n })).toBeNull();
    expect(matchTotpStep(SECRET, totpForStep(SECRET, step + 1n), { nowMs: now, lastUsedStep: step })).toBe(step + 1n);
  });

  it("refuses malformed codes", () => {
    for (const code of ["", "12345", "1234567", "abcdef", "12 456"])
      expect(matchTotpStep(SECRET, code, { nowMs: 0, lastUsedStep: null })).toBeNull();
  });
});
