// The one step-up check behind requireStepUp() and the gateway's maxAgeSeconds / requireMfa.
import { describe, expect, it } from "vitest";
import { meetsStepUp, stepUpChallenge } from "./step-up.ts";

const NOW = 1_800_000_000;

describe("meetsStepUp", () => {
  it("accepts a sign-in exactly max_age old and refuses one a second older", () => {
    expect(meetsStepUp({ authTime: NOW - 300, amr: ["pwd"] }, { maxAgeSeconds: 300 }, NOW)).toBe(true);
    expect(meetsStepUp({ authTime: NOW - 301, amr: ["pwd"] }, { maxAgeSeconds: 300 }, NOW)).toBe(false);
  });

  it("requires every listed method, however recent the sign-in", () => {
    expect(meetsStepUp({ authTime: NOW, amr: ["pwd"] }, { amr: ["mfa"] }, NOW)).toBe(false);
    expect(meetsStepUp({ authTime: NOW, amr: ["pwd", "otp", "mfa"] }, { amr: ["mfa"] }, NOW)).toBe(true);
    expect(meetsStepUp({ authTime: NOW, amr: ["hwk", "user", "mfa"] }, { amr: ["mfa", "otp"] }, NOW)).toBe(false);
  });

  it("names max_age in the RFC 9470 challenge when there is one", () => {
    expect(stepUpChallenge({ maxAgeSeconds: 60, amr: ["mfa"] })).toBe(
      'Bearer error="insufficient_user_authentication", max_age=60',
    );
    expect(stepUpChallenge({ amr: ["mfa"] })).toBe('Bearer error="insufficient_user_authentication"');
  });
});
