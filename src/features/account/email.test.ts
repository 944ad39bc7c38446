import { describe, expect, it } from "vitest";
import { normalizeEmail } from "./email.ts";

describe("normalizeEmail", () => {
  it("trims and lowercases", () => {
    expect(normalizeEmail("  Alice@Example.COM \n")).toBe("alice@example.com");
  });

  it("folds compatibility characters (full-width letters, ligatures) with NFKC", () => {
    expect(normalizeEmail("ａｌｉｃｅ@example.com")).toBe("alice@example.com");
    expect(normalizeEmail("ﬁnn@example.com")).toBe("finn@example.com");
  });

  it("gives composed and decomposed accents one form", () => {
    expect(normalizeEmail("jose\u0301@example.com")).toBe(normalizeEmail("jos\u00e9@example.com"));
  });
});
