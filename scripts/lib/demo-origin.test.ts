// The demo's route table is one the gateway accepts, and the demo stays off when routes are configured.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { matchRoute, parseRouteTable } from "../../src/gateway/route-table.ts";
import {
  DEMO_ONBOARDED_PATH,
  DEMO_ORIGIN_ID,
  DEMO_SECURE_PATH,
  demoRouteTable,
  hasConfiguredRoutes,
} from "./demo-origin.ts";

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

describe("demoRouteTable", () => {
  it("parses as a gateway table: / is authenticated, /secure also requires a second factor", () => {
    const routes = parseRouteTable(JSON.stringify(demoRouteTable("http://127.0.0.1:4000")));
    expect(routes.map((route) => [route.pathPrefix, route.policy, route.requireMfa, route.originId])).toEqual([
      [DEMO_SECURE_PATH, "authenticated", true, DEMO_ORIGIN_ID],
      ["/", "authenticated", false, DEMO_ORIGIN_ID],
    ]);
    expect(matchRoute(routes, "localhost", "/secure/page")?.name).toBe("demo-secure");
    expect(matchRoute(routes, "localhost", "/securer")?.name).toBe("demo");
  });

  it("adds a requireOnboarding route only when onboarding is on (issue 15)", () => {
    const routes = parseRouteTable(JSON.stringify(demoRouteTable("http://127.0.0.1:4000", { onboarding: true })));
    expect(routes.filter((route) => route.requireOnboarding).map((route) => route.pathPrefix)).toEqual([
      DEMO_ONBOARDED_PATH,
    ]);
    expect(matchRoute(routes, "localhost", "/onboarded/x")?.name).toBe("demo-onboarded");
    expect(
      parseRouteTable(JSON.stringify(demoRouteTable("http://127.0.0.1:4000"))).some((r) => r.requireOnboarding),
    ).toBe(false);
  });
});

describe("hasConfiguredRoutes", () => {
  it("is false with no table anywhere, true for the environment, .dev.vars or wrangler.toml", async () => {
    root = await mkdtemp(join(tmpdir(), "portcullis-demo-"));
    await writeFile(join(root, "wrangler.toml"), '[vars]\nENVIRONMENT = "production"\n# GATEWAY_ROUTES = []\n');
    expect(hasConfiguredRoutes({}, root)).toBe(false);
    expect(hasConfiguredRoutes({ GATEWAY_ROUTES: "" }, root)).toBe(false);
    expect(hasConfiguredRoutes({ GATEWAY_ROUTES: "[]" }, root)).toBe(true);

    await writeFile(join(root, ".dev.vars"), 'GATEWAY_ROUTES=[{"name":"app"}]\n');
    expect(hasConfiguredRoutes({}, root)).toBe(true);
    await rm(join(root, ".dev.vars"));

    await writeFile(join(root, "wrangler.toml"), '[vars]\n[[vars.GATEWAY_ROUTES]]\nname = "app"\n');
    expect(hasConfiguredRoutes({}, root)).toBe(true);
  });
});
