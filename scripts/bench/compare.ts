// `npm run bench -- --compare [<git-ref>]`: this checkout against an older commit (default 1517177, the
// commit before issue 12's work), both `npm run dev` stacks running side by side, each endpoint timed
// on both in interleaved pairs so that machine load hits both alike. The baseline runs from a throw-away
// `git worktree` (its own `npm ci`), removed at the end, also on failure. Bounded; loopback only.
import { execFile, execFileSync } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { paths } from "../lib/paths.ts";
import { COMPARE_ROUTE_PREFIX, ENDPOINTS, type Stack, timeInterleaved } from "./compare-endpoints.ts";
import { type Comparison, compare, currentLoad, report } from "./compare-report.ts";
import { startTinyOrigin } from "./count.ts";
import { type BenchGateway, stop, timeToFirstOk } from "./dev-gateway.ts";

const DEFAULT_BASELINE_REF = "1517177";
const NPM_CI_TIMEOUT_MS = 10 * 60_000;

const run = promisify(execFile);
const git = (...args: string[]) => execFileSync("git", args, { cwd: paths.root }).toString().trim();
const say = (message: string) => console.error(`[compare] ${message}`);

function baselineRefFromArgv(): string {
  const next = process.argv[process.argv.indexOf("--compare") + 1];
  return next && !next.startsWith("--") ? next : DEFAULT_BASELINE_REF;
}

/** This checkout's commit, marked when the working tree differs from it. */
function currentCommit(): string {
  const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
  return `${git("rev-parse", "--short", "HEAD")}${dirty ? " + uncommitted changes" : ""}`;
}

async function checkOutBaseline(commit: string, worktree: string, signal: AbortSignal): Promise<void> {
  say(`git worktree add --detach ${worktree} ${commit}`);
  git("worktree", "add", "--detach", worktree, commit);
  say("npm ci in the baseline worktree (about a minute)");
  await run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: worktree,
    timeout: NPM_CI_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    signal,
  });
}

async function removeBaseline(worktree: string): Promise<void> {
  // `git worktree remove` deletes file by file; node_modules (untracked) goes much faster this way.
  await rm(join(worktree, "node_modules"), { recursive: true, force: true });
  try {
    git("worktree", "remove", "--force", worktree);
  } catch (error) {
    say(`git worktree remove failed (${String(error)}); pruning instead`);
    await rm(worktree, { recursive: true, force: true });
    git("worktree", "prune");
  }
}

type Run = {
  ref: string;
  baselineCommit: string;
  root: string;
  worktree: string;
  env: Record<string, string>;
  /** Filled as the stacks start, so that the caller stops whatever started. */
  gateways: BenchGateway[];
  /** Aborted by Ctrl-C: the run stops at its next step, and the caller cleans up. */
  signal: AbortSignal;
};

/** Starts both stacks, times every endpoint on both and returns the report. */
async function measureBoth({ ref, baselineCommit, root, worktree, env, gateways, signal }: Run): Promise<string> {
  say(`starting the baseline stack (${baselineCommit})`);
  const before = await timeToFirstOk(join(root, "before-data"), env, worktree);
  gateways.push(before);
  signal.throwIfAborted();
  say("starting this checkout's stack");
  const after = await timeToFirstOk(join(root, "after-data"), env);
  gateways.push(after);
  signal.throwIfAborted();
  const stacks: [Stack, Stack] = [
    { label: "before", baseUrl: `http://127.0.0.1:${before.port}`, network: 18 },
    { label: "after", baseUrl: `http://127.0.0.1:${after.port}`, network: 19 },
  ];
  const loadAtStart = currentLoad();
  const comparisons: Comparison[] = [];
  for (const endpoint of ENDPOINTS) {
    say(`timing ${endpoint.name}: ${endpoint.requests} per stack after ${endpoint.warmups} warm-ups`);
    const [beforeMs, afterMs] = await timeInterleaved(endpoint, stacks, signal);
    comparisons.push(compare(endpoint.name, beforeMs, afterMs));
  }
  const header = {
    date: new Date().toISOString(),
    before: { ref, commit: baselineCommit },
    after: { commit: currentCommit() },
    loadAtStart,
    loadAtEnd: currentLoad(),
  };
  return report(header, comparisons);
}

export async function compareWithBaseline(): Promise<void> {
  const ref = baselineRefFromArgv();
  const baselineCommit = git("rev-parse", "--short", `${ref}^{commit}`);
  const root = await mkdtemp(join(tmpdir(), "portcullis-compare-"));
  await chmod(root, 0o755); // the embedded PostgreSQL runs as `postgres` and must enter its data dirs
  const worktree = join(root, "baseline");
  const origin = await startTinyOrigin();
  const env = {
    GATEWAY_ROUTES: JSON.stringify([
      {
        name: "bench",
        pathPrefix: COMPARE_ROUTE_PREFIX,
        origin: origin.url,
        originId: "bench",
        policy: "authenticated",
      },
    ]),
  };
  const gateways: BenchGateway[] = [];
  // Ctrl-C still stops both stacks and removes the worktree (a second one exits at once).
  const stopping = new AbortController();
  const onSignal = (name: string) => stopping.abort(new Error(`${name}: stopped before the end`));
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    await checkOutBaseline(baselineCommit, worktree, stopping.signal);
    const signal = stopping.signal;
    console.log(await measureBoth({ ref, baselineCommit, root, worktree, env, gateways, signal }));
  } finally {
    for (const gateway of gateways) await stop(gateway.dev);
    await new Promise((resolve) => origin.server.close(resolve));
    await removeBaseline(worktree).catch((error: unknown) => say(`could not remove ${worktree}: ${String(error)}`));
    await rm(root, { recursive: true, force: true });
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
}
