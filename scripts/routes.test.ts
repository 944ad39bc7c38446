// `npm run routes`: explains matches with the Worker's own matching code.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

const run = (args: string[], routes: string | undefined = table) =>
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

  it("checks a wrangler.toml whose [vars] hold the table as TOML, naming the bad entry", () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-routes-cli-"));
    const good = join(dir, "good.toml");
    writeFileSync(
      good,
      '[vars]\nGATEWAY_ROUTES = [\n  { name = "api", pathPrefix = "/api", origin = "http://10.0.0.1", policy = { roles = ["admin"] } },\n  { name = "site", origin = "http://10.0.0.2", policy = "public" },\n]\n',
    );
    const checked = run(["check", "--file", good], undefined);
    expect(checked.status).toBe(0);
    expect(checked.stdout).toContain("2 route(s), valid; matched in this order: api, site");
    expect(run(["explain", "GET", "https://x.example.com/api/a", "--file", good], undefined).stdout).toContain(
      "route:   api (#1)",
    );
    const bad = join(dir, "bad.toml");
    writeFileSync(
      bad,
      '[[vars.GATEWAY_ROUTES]]\nname = "api"\norigin = "http://10.0.0.1"\npolicy = "public"\ntimeoutMs = 0\n',
    );
    const refused = run(["check", "--file", bad], undefined);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `${bad} [vars] GATEWAY_ROUTES route #1 "api": timeoutMs must be a whole number of milliseconds from 100 to 300000`,
    );
  });
});
