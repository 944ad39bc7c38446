// The dev-time route table check: the same table the Worker gets, from the environment or wrangler.toml.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnDev } from "./dev-process.ts";
import { assertDevRouteTable, checkRouteTable, findRouteTable, RouteTableSourceError } from "./route-table-source.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "portcullis-routes-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const header = 'name = "portcullis"\nmain = "src/index.ts"\n';
async function wranglerToml(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, header + body);
  return file;
}

function messageOf(run: () => void): string {
  try {
    run();
    return "accepted";
  } catch (error) {
    expect(error).toBeInstanceOf(RouteTableSourceError);
    return (error as Error).message;
  }
}

describe("the dev-time route table check", () => {
  it("accepts an inline TOML array and an array of tables under [vars]", async () => {
    const inline = await wranglerToml(
      "inline.toml",
      `[vars]\nGATEWAY_ROUTES = [\n  { name = "app", origin = "http://127.0.0.1:3000", policy = "authenticated", timeoutMs = 500 },\n]\n`,
    );
    const tables = await wranglerToml(
      "tables.toml",
      `[[vars.GATEWAY_ROUTES]]\nname = "api"\npathPrefix = "/api"\norigin = "http://127.0.0.1:3000"\npolicy = { roles = ["admin"] }\n\n[[vars.GATEWAY_ROUTES]]\nname = "app"\norigin = "http://127.0.0.1:3000"\npolicy = "public"\n`,
    );
    expect(() => assertDevRouteTable({}, inline)).not.toThrow();
    expect(() => assertDevRouteTable({}, tables)).not.toThrow();
    const check = checkRouteTable(findRouteTable({}, tables));
    expect(check.ok && check.routes.map((route) => route.name)).toEqual(["api", "app"]);
  });

  it("refuses a bad TOML entry, naming the file and the entry", async () => {
    const file = await wranglerToml(
      "bad.toml",
      `[[vars.GATEWAY_ROUTES]]\nname = "app"\npathPrefix = "/app"\norigin = "http://127.0.0.1:3000"\npolicy = "public"\n\n[[vars.GATEWAY_ROUTES]]\nname = "api"\norigin = "https://svc:s3cret@api.internal"\npolicy = "public"\ntimeoutMs = 50\n`,
    );
    const message = messageOf(() => assertDevRouteTable({}, file));
    expect(message).toBe(
      `the route table is invalid: ${file} [vars] GATEWAY_ROUTES route #2 "api": timeoutMs must be a whole number of milliseconds from 100 to 300000`,
    );
    expect(message).not.toContain("s3cret");
  });

  it("checks GATEWAY_ROUTES from the environment first, as wrangler's --var overrides [vars]", async () => {
    const file = await wranglerToml(
      "good.toml",
      `[vars]\nGATEWAY_ROUTES = [{ name = "app", origin = "http://127.0.0.1:3000", policy = "public" }]\n`,
    );
    const env = { GATEWAY_ROUTES: '[{"name":"app","origin":"http://127.0.0.1:3000","policy":"maybe"}]' };
    expect(messageOf(() => assertDevRouteTable(env, file))).toMatch(
      /^the route table is invalid: GATEWAY_ROUTES route #1 "app": policy/,
    );
    expect(messageOf(() => assertDevRouteTable({ GATEWAY_ROUTES: "{nope" }, file))).toBe(
      "the route table is invalid: GATEWAY_ROUTES is not valid JSON",
    );
  });

  it("accepts no table at all, and explains a wrangler.toml that is not TOML", async () => {
    const none = await wranglerToml("none.toml", '[vars]\nENVIRONMENT = "production"\n');
    expect(() => assertDevRouteTable({}, none)).not.toThrow();
    const broken = await wranglerToml("broken.toml", "[vars\n");
    expect(messageOf(() => assertDevRouteTable({}, broken))).toMatch(/broken\.toml is not valid TOML: /);
  });

  it("stops npm run dev before anything starts, with one line naming the entry", async () => {
    const dev = spawnDev({
      PORTCULLIS_DATA_DIR: dir,
      GATEWAY_ROUTES:
        '[{"name":"ok","pathPrefix":"/ok","origin":"http://127.0.0.1:3000","policy":"public"},{"name":"step","origin":"http://127.0.0.1:3000","policy":"authenticated","maxAgeSeconds":10}]',
    });
    expect(await dev.exited).toBe(1);
    expect(dev.output()).toContain(
      '[dev] the route table is invalid: GATEWAY_ROUTES route #2 "step": maxAgeSeconds must be a whole number of seconds from 60 to 2592000',
    );
    expect(dev.output()).not.toContain("starting PostgreSQL");
    expect(dev.output()).not.toMatch(/\n\s+at /);
  });
});
