// The one step-up check behind requireStepUp() and the gateway's maxAgeSeconds / requireMfa.
import { describe, expect, it } from "vitest";
import { stepUpChallenge, stepUpShortfall } from "./step-up.ts";

const NOW = 1_800_000_000;

describe("stepUpShortfall", () => {
  it("accepts a sign-in exactly max_age old and refuses one a second older", () => {
    expect(stepUpShortfall({ authTime: NOW - 300, amr: ["pwd"] }, { maxAgeSeconds: 300 }, NOW)).toBeNull();
    expect(stepUpShortfall({ authTime: NOW - 301, amr: ["pwd"] }, { maxAgeSeconds: 300 }, NOW)).toBe("recent_sign_in");
  });

  it("requires every listed method, however recent the sign-in", () => {
    expect(stepUpShortfall({ authTime: NOW, amr: ["pwd"] }, { amr: ["mfa"] }, NOW)).toBe("second_factor");
    expect(stepUpShortfall({ authTime: NOW, amr: ["pwd", "otp", "mfa"] }, { amr: ["mfa"] }, NOW)).toBeNull();
    expect(stepUpShortfall({ authTime: NOW, amr: ["hwk", "user", "mfa"] }, { amr: ["mfa", "otp"] }, NOW)).toBe(
      "second_factor",
    );
    // Missing a factor outranks age: proving the factor fixes both.
    expect(stepUpShortfall({ authTime: NOW - 900, amr: ["pwd"] }, { amr: ["mfa"], maxAgeSeconds: 60 }, NOW)).toBe(
      "second_factor",
    );
  });

  it("names max_age in the RFC 9470 challenge when there is one", () => {
    expect(stepUpChallenge({ maxAgeSeconds: 60, amr: ["mfa"] })).toBe(
      'Bearer error="insufficient_user_authentication", max_age=60',
    );
    expect(stepUpChallenge({ amr: ["mfa"] })).toBe('Bearer error="insufficient_user_authentication"');
  });
});
