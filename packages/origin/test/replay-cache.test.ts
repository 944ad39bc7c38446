// createReplayCache: single use within a lifetime, forgetting expired ids, and the size bound.
import { describe, expect, it } from "vitest";
import { createReplayCache } from "../src/replay-cache.ts";

describe("createReplayCache", () => {
  it("accepts an id once until it expires, then forgets it", () => {
    const cache = createReplayCache(10);
    expect(cache.consume("a", { expiresAtSeconds: 100, nowSeconds: 90 })).toBe(true);
    expect(cache.consume("a", { expiresAtSeconds: 100, nowSeconds: 95 })).toBe(false);
    expect(cache.consume("a", { expiresAtSeconds: 100, nowSeconds: 100 })).toBe(false);
    expect(cache.consume("b", { expiresAtSeconds: 130, nowSeconds: 101 })).toBe(true);
    expect(cache.size).toBe(1);
  });

  it("drops expired ids before evicting a live one when full", () => {
    const cache = createReplayCache(2);
    cache.consume("live", { expiresAtSeconds: 200, nowSeconds: 100 });
    cache.consume("expiring", { expiresAtSeconds: 110, nowSeconds: 100 });
    expect(cache.consume("new", { expiresAtSeconds: 220, nowSeconds: 120 })).toBe(true);
    expect(cache.consume("live", { expiresAtSeconds: 200, nowSeconds: 120 })).toBe(false);
    expect(cache.size).toBe(2);
  });

  it("never holds more than maxEntries ids, evicting the oldest", () => {
    const cache = createReplayCache(3);
    for (const id of ["a", "b", "c", "d"]) cache.consume(id, { expiresAtSeconds: 200, nowSeconds: 100 });
    expect(cache.size).toBe(3);
    expect(cache.consume("d", { expiresAtSeconds: 200, nowSeconds: 100 })).toBe(false);
    expect(cache.consume("a", { expiresAtSeconds: 200, nowSeconds: 100 })).toBe(true);
  });

  it("requires a positive integer bound", () => {
    expect(() => createReplayCache(0)).toThrow(TypeError);
    expect(() => createReplayCache(1.5)).toThrow(TypeError);
  });
});
