// Review: a public route forwards before any step-up check (handler.ts), so requireMfa or maxAgeSeconds
// there is silently ignored, while /auth/reauthenticate refuses the password "because the page needs a
// second factor". The table should refuse the combination and name the route.
import { describe, expect, it } from "vitest";
import { parseRouteTable, RouteTableError } from "./route-table.ts";

const origin = "http://127.0.0.1:3000";

describe("route table: step-up on a public route", () => {
  it("refuses requireMfa or maxAgeSeconds on a public route, naming it", () => {
    for (const stepUp of [{ requireMfa: true }, { maxAgeSeconds: 300 }]) {
      const table = [{ name: "open", pathPrefix: "/open", origin, policy: "public", ...stepUp }];
      expect(() => parseRouteTable(table), JSON.stringify(stepUp)).toThrow(RouteTableError);
      expect(() => parseRouteTable(table), JSON.stringify(stepUp)).toThrow('route #1 "open"');
    }
  });
});
