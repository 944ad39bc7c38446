// Builds packages/origin (tsc to dist/, with .d.ts) when its sources changed since the last build: the
// Worker, the examples and their tests import the published shape, dist/, through the workspace.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { paths } from "./lib/paths.ts";

const PACKAGE = join(paths.root, "packages/origin");
const BUILD_INFO = join(PACKAGE, "dist/.tsbuildinfo");

function newestSourceMilliseconds(): number {
  const files = [
    "package.json",
    "tsconfig.build.json",
    ...readdirSync(join(PACKAGE, "src")).map((name) => `src/${name}`),
  ];
  return Math.max(...files.map((file) => statSync(join(PACKAGE, file)).mtimeMs));
}

/** Runs the package's build unless dist/ is newer than every source; returns whether it built. */
export function buildOriginPackageIfStale(): boolean {
  if (existsSync(BUILD_INFO) && statSync(BUILD_INFO).mtimeMs >= newestSourceMilliseconds()) return false;
  execFileSync(join(paths.root, "node_modules/.bin/tsc"), ["-p", join(PACKAGE, "tsconfig.build.json")], {
    stdio: "inherit",
    timeout: 120_000,
  });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildOriginPackageIfStale();
}
