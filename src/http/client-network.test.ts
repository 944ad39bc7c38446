// M3: client limits key IPv6 by its /64, so one subscriber cannot rotate through 2^64 buckets.
import { describe, expect, it } from "vitest";
import { limitNetworkOf, scopeNetworkOf } from "./client-network.ts";

describe("limitNetworkOf", () => {
  it("M3: keys every IPv6 address of one /64 alike, in any spelling", () => {
    const spellings = [
      "2001:db8:1:2::1",
      "2001:db8:1:2:ffff:ffff:ffff:ffff",
      "2001:0DB8:0001:0002:0000:0000:0000:0abc",
      "2001:db8:1:2:0:0:1.2.3.4",
      "2001:db8:1:2::1%eth0",
    ];
    for (const ip of spellings) expect(limitNetworkOf(ip)).toBe("2001:db8:1:2::/64");
  });

  it("M3: tells neighbouring /64s apart", () => {
    expect(limitNetworkOf("2001:db8:1:3::1")).not.toBe(limitNetworkOf("2001:db8:1:2::1"));
    expect(limitNetworkOf("::1")).toBe("0:0:0:0::/64");
  });

  it("keeps IPv4 addresses whole and unwraps IPv4-mapped IPv6", () => {
    expect(limitNetworkOf("203.0.113.7")).toBe("203.0.113.7");
    expect(limitNetworkOf("203.0.113.8")).toBe("203.0.113.8");
    expect(limitNetworkOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(limitNetworkOf("::ffff:cb00:7107")).toBe("203.0.113.7");
  });

  it("leaves what is not an address unchanged (it is only ever hashed)", () => {
    for (const junk of ["", "not-an-ip", "1::2::3", "2001:db8::1:2:3:4:5:6:7", "12345::1"]) {
      expect(limitNetworkOf(junk)).toBe(junk.trim());
    }
  });
});

describe("scopeNetworkOf", () => {
  it("R2: keys IPv6 by /48 (every /64 of one allocation alike) and IPv4 as the address", () => {
    expect(scopeNetworkOf("2001:db8:77:1::1")).toBe("2001:db8:77::/48");
    expect(scopeNetworkOf("2001:DB8:77:ffff:1:2:3:4")).toBe("2001:db8:77::/48");
    expect(scopeNetworkOf("2001:db8:78::1")).toBe("2001:db8:78::/48");
    expect(scopeNetworkOf("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(scopeNetworkOf("192.0.2.1")).toBe("192.0.2.1");
  });
});
