import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./return-to.ts";

describe("safeReturnTo", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeReturnTo("/reports/q3?x=1#top")).toBe("/reports/q3?x=1#top");
    expect(safeReturnTo("/")).toBe("/");
    expect(safeReturnTo("/a/%2Fb")).toBe("/a/%2Fb");
  });

  it("M1: resolves dot segments before judging, so /.//evil.com never becomes //evil.com", () => {
    expect(safeReturnTo("/a/./b/../c?x=1")).toBe("/a/c?x=1");
    for (const attack of ["/.//evil.com", "/x/..//evil.com", "/%2e//evil.com"]) {
      expect(safeReturnTo(attack), attack).toBe("/");
    }
  });

  it("refuses every open-redirect variant, falling back to /", () => {
    const attacks = [
      "//evil.com",
      "///evil.com",
      "/\\evil.com",
      "\\\\evil.com",
      "https://evil.com",
      "http:evil.com",
      "javascript:alert(1)",
      "evil.com",
      "%2F%2Fevil.com",
      "/%2F/evil.com/..%2F",
      "/%5Cevil.com",
      "/%2Fevil.com",
      "/\tevil.com",
      "/\u0000/evil.com",
      "/%09/evil.com",
      "/%0d%0aLocation:%20https://evil.com",
      "/%E0%A4%A",
      "",
      `/${"a".repeat(3000)}`,
      // M1: dot segments that bring two slashes together once resolved.
      "/.//evil.com",
      "/x/..//evil.com",
      "/%2e//evil.com",
      "/%2E%2E//evil.com",
      "/x/%2e%2e//evil.com",
      "/./%2F/evil.com",
      "/a/b/../..//evil.com",
      "/.\\evil.com",
    ];
    for (const attack of attacks) expect(safeReturnTo(attack), attack).toBe("/");
    expect(safeReturnTo(undefined)).toBe("/");
    expect(safeReturnTo(42)).toBe("/");
  });
});
