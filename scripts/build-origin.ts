// Builds the workspace packages (tsc to dist/, with .d.ts) when their sources changed since the last
// build: the Worker, the examples and their tests import the published shapes, dist/, through the workspace
// (@portcullis/origin everywhere; @portcullis/client in examples/api-client and the examples' tests).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { paths } from "./lib/paths.ts";

function newestSourceMilliseconds(packageDir: string): number {
  const files = [
    "package.json",
    "tsconfig.build.json",
    ...readdirSync(join(packageDir, "src")).map((name) => `src/${name}`),
  ];
  return Math.max(...files.map((file) => statSync(join(packageDir, file)).mtimeMs));
}

/** Runs the build of `packages/<name>` unless its dist/ is newer than every source; returns whether it built. */
function buildPackageIfStale(name: "origin" | "client"): boolean {
  const packageDir = join(paths.root, "packages", name);
  const buildInfo = join(packageDir, "dist/.tsbuildinfo");
  if (existsSync(buildInfo) && statSync(buildInfo).mtimeMs >= newestSourceMilliseconds(packageDir)) return false;
  execFileSync(join(paths.root, "node_modules/.bin/tsc"), ["-p", join(packageDir, "tsconfig.build.json")], {
    stdio: "inherit",
    timeout: 120_000,
  });
  return true;
}

/** Builds packages/origin when stale; returns whether it built. */
export const buildOriginPackageIfStale = (): boolean => buildPackageIfStale("origin");

/** Builds packages/client when stale; returns whether it built. */
export const buildClientPackageIfStale = (): boolean => buildPackageIfStale("client");

if (import.meta.url === `file://${process.argv[1]}`) {
  buildOriginPackageIfStale();
  buildClientPackageIfStale();
}
