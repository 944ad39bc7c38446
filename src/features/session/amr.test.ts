// RFC 8176 amr bookkeeping: when a session counts as multi-factor, before and after a step-up.
import { describe, expect, it } from "vitest";
import { amrAfterStepUp, withMultiFactorMarker } from "./amr.ts";

describe("withMultiFactorMarker", () => {
  it("marks a password with a code or a key, and a key with user verification, but not one factor", () => {
    expect(withMultiFactorMarker(["pwd", "otp"])).toEqual(["pwd", "otp", "mfa"]);
    expect(withMultiFactorMarker(["pwd", "hwk"])).toEqual(["pwd", "hwk", "mfa"]);
    expect(withMultiFactorMarker(["hwk", "user"])).toEqual(["hwk", "user", "mfa"]);
    expect(withMultiFactorMarker(["pwd"])).toEqual(["pwd"]);
    expect(withMultiFactorMarker(["hwk"])).toEqual(["hwk"]);
    expect(withMultiFactorMarker(["otp", "otp"])).toEqual(["otp"]);
  });
});

describe("amrAfterStepUp", () => {
  it("adds a freshly proven second factor to the password the session proved", () => {
    expect(amrAfterStepUp(["pwd"], ["otp"])).toEqual(["pwd", "otp", "mfa"]);
    expect(amrAfterStepUp(["pwd"], ["hwk", "user"])).toEqual(["pwd", "hwk", "user", "mfa"]);
  });

  it("starts over on a password alone, so an old second factor does not count as recent", () => {
    expect(amrAfterStepUp(["pwd", "otp", "mfa"], ["pwd"])).toEqual(["pwd"]);
    expect(amrAfterStepUp(["hwk", "user", "mfa"], ["pwd"])).toEqual(["pwd"]);
  });
});
