// `npm run routes`: explains matches with the Worker's own matching code.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { paths } from "./lib/paths.ts";

const table = JSON.stringify([
  {
    name: "api",
    host: "app.example.com",
    pathPrefix: "/api",
    origin: "http://10.0.0.1:8080/v1",
    policy: { roles: ["admin"] },
    stripPrefix: true,
  },
  { name: "site", host: "app.example.com", origin: "http://10.0.0.2", policy: "public" },
]);

const run = (args: string[], routes = table) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/routes.ts", ...args], {
    cwd: paths.root,
    env: { ...process.env, GATEWAY_ROUTES: routes },
    encoding: "utf8",
  });

describe("npm run routes", () => {
  it("explains which route matches, its policy and the origin URL", () => {
    const result = run(["explain", "GET", "https://app.example.com/api/users?page=2"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("route:   api (#1)");
    expect(result.stdout).toContain("policy:  roles: admin");
    expect(result.stdout).toContain("origin:  http://10.0.0.1:8080/v1/users?page=2");
  });

  it("H2: explains the canonical path the Worker would match: case variants match, ambiguous paths are 400", () => {
    const upper = run(["explain", "GET", "https://APP.example.com:8443/API/%75sers"]);
    expect(upper.stdout).toContain("route:   api (#1)");
    expect(upper.stdout).toContain("origin:  http://10.0.0.1:8080/v1/users");
    const encoded = run(["explain", "GET", "https://app.example.com/api%2Fusers"]);
    expect(encoded.stdout).toContain("400 invalid_path");
  });

  it("says when nothing matches (deny by default)", () => {
    const result = run(["explain", "GET", "https://other.example.com/"]);
    expect(result.stdout).toContain("no route: 404 not_found");
  });

  it("refuses an invalid table with the bad entry named", () => {
    const result = run(["check"], JSON.stringify([{ name: "x", origin: "nope", policy: "public" }]));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('GATEWAY_ROUTES route #1 "x": origin');
  });
});
