// `npm run bench -- --budgets`: the uploadable bundle's gzip size (`wrangler deploy --dry-run --outdir`),
// its largest contributors, the global scope's start-up CPU (`wrangler check startup`'s .cpuprofile), and
// the first-use cost of the parts loaded lazily (first-use.ts).
// The bundle must stay under BUNDLE_GZIP_BUDGET_BYTES; the caller fails the run when it does not.
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { paths } from "../lib/paths.ts";
import { bundleContributors, type CpuProfile, lineOwners, summarizeStartupProfile } from "./bundle-contents.ts";
import { benchFirstUse } from "./first-use.ts";
import { percentile } from "./stats.ts";

/** 2.5 MB of gzip (the free plan allows 3 MB): room for growth, and a warning before the limit. */
export const BUNDLE_GZIP_BUDGET_BYTES = 2_500_000;
const STARTUP_RUNS = 7;
const run = promisify(execFile);

async function wrangler(args: string[]): Promise<string> {
  const { stdout, stderr } = await run(join(paths.root, "node_modules/.bin/wrangler"), args, {
    cwd: paths.root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout + stderr;
}

const kb = (bytes: number) => Math.round(bytes / 100) / 10;

export type BundleReport = {
  gzipBytes: number;
  wranglerReport: string | undefined;
  files: { file: string; bytes: number; gzipBytes: number }[];
  largestInIndexJs: { name: string; kb: number; gzipKb: number }[];
};

async function measureBundle(outDir: string): Promise<{ report: BundleReport; owners: string[] }> {
  const output = await wrangler(["deploy", "--dry-run", "--outdir", outDir]);
  const files: BundleReport["files"] = [];
  for (const file of (await readdir(outDir)).sort()) {
    if (file.endsWith(".map") || file === "README.md") continue;
    const content = await readFile(join(outDir, file));
    files.push({ file, bytes: content.length, gzipBytes: gzipSync(content).length });
  }
  files.sort((a, b) => b.gzipBytes - a.gzipBytes);
  const source = await readFile(join(outDir, "index.js"), "utf8");
  const largest = bundleContributors(source)
    .slice(0, 12)
    .map((entry) => ({ name: entry.name, kb: kb(entry.bytes), gzipKb: kb(entry.gzipBytes) }));
  return {
    report: {
      gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
      wranglerReport: /Total Upload: [^\n]+/.exec(output)?.[0],
      files,
      largestInIndexJs: largest,
    },
    owners: lineOwners(source),
  };
}

/** `wrangler check startup` `runs` times; the median run's CPU and its top contributors by self time. */
async function measureStartup(root: string, owners: string[], runs: number) {
  const summaries = [];
  for (let i = 0; i < runs; i++) {
    const file = join(root, `startup-${i}.cpuprofile`);
    await wrangler(["check", "startup", "--outfile", file]);
    summaries.push(summarizeStartupProfile(JSON.parse(await readFile(file, "utf8")) as CpuProfile, owners));
  }
  const cpu = summaries.map((summary) => summary.cpuMs);
  const medianMs = percentile(cpu, 50);
  const medianRun = summaries.find((summary) => summary.cpuMs === medianMs) ?? summaries[0];
  return { cpuMs: { median: medianMs, runs: cpu }, topSelfTimeOfMedianRun: medianRun?.top ?? [] };
}

export async function benchBudgets(root: string) {
  const { report, owners } = await measureBundle(join(root, "bundle"));
  const startup = await measureStartup(root, owners, STARTUP_RUNS);
  return {
    bundle: { ...report, gzipKb: kb(report.gzipBytes), budgetKb: kb(BUNDLE_GZIP_BUDGET_BYTES) },
    startup,
    firstUseOfLazyParts: await benchFirstUse(root),
    overBudget: report.gzipBytes > BUNDLE_GZIP_BUDGET_BYTES,
  };
}
