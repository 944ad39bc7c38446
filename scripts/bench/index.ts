// `npm run bench`: time from `npm run dev` to the first 200 on /healthz (cold and warm data dir), the latency
// of /healthz and its one-row Prisma read through the relay, the edge session check, login, refresh and the
// password hash alone, and the hosted pages' time to first byte and weight (`-- --pages` for those only);
// then the gateway against the direct path (`-- --gateway`) and the bundle and start-up budgets (`-- --budgets`);
// `-- --count` counts each endpoint's database connections, statements and round trips instead (count.ts);
// `-- --compare [<git-ref>]` times the endpoints before and after, interleaved (compare.ts);
// `-- --federated` times POST /auth/token for a known user beside a password login (federated.ts);
// `-- --client-size` measures @portcullis/client minified + gzip (client-size.ts).
// Bounded in count and time; loopback only.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { benchLogin, benchRefresh, benchSessionCheck } from "./auth.ts";
import { BUNDLE_GZIP_BUDGET_BYTES, benchBudgets } from "./budgets.ts";
import { benchClientSize } from "./client-size.ts";
import { compareWithBaseline } from "./compare.ts";
import { countRoundTrips } from "./count.ts";
import { stop, timeToFirstOk } from "./dev-gateway.ts";
import { benchFederated } from "./federated.ts";
import { benchGateway } from "./gateway.ts";
import { benchHash } from "./hash.ts";
import { benchPageWeights, benchSignInTtfb } from "./pages.ts";
import { percentile } from "./stats.ts";

const STARTS_PER_KIND = 3;
const WARMUP_REQUESTS = 20;
const MEASURED_REQUESTS = 300;
const AUTH_REQUESTS = 100;

const median = (values: number[]) => percentile(values, 50);

/** `npm run bench -- --pages`: only the hosted pages' numbers, against one warm start. */
async function mainPages(root: string): Promise<void> {
  const started = await timeToFirstOk(join(root, "pages"));
  try {
    const baseUrl = `http://127.0.0.1:${started.port}`;
    for (let i = 0; i < WARMUP_REQUESTS; i++) await (await fetch(`${baseUrl}/auth/sign-in`)).arrayBuffer();
    const results = {
      date: new Date().toISOString().slice(0, 10),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`,
      ttfbMs: await benchSignInTtfb(baseUrl, MEASURED_REQUESTS),
      pageWeightsGzipBytes: await benchPageWeights(baseUrl),
    };
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await stop(started.dev);
  }
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "portcullis-bench-"));
  await chmod(root, 0o755);
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    const warmDir = join(root, "warm");
    for (let run = 0; run < STARTS_PER_KIND; run++) {
      const first = await timeToFirstOk(join(root, `cold-${run}`));
      cold.push(first.ms);
      await stop(first.dev);
    }
    await stop((await timeToFirstOk(warmDir)).dev); // initialise the warm folder once
    let last: Awaited<ReturnType<typeof timeToFirstOk>> | undefined;
    for (let run = 0; run < STARTS_PER_KIND; run++) {
      if (last) await stop(last.dev);
      last = await timeToFirstOk(warmDir);
      warm.push(last.ms);
    }
    if (!last) throw new Error("no warm run");

    const url = `http://127.0.0.1:${last.port}/healthz`;
    for (let i = 0; i < WARMUP_REQUESTS; i++) await (await fetch(url)).arrayBuffer();
    const roundTrip: number[] = [];
    const dbRead: number[] = [];
    for (let i = 0; i < MEASURED_REQUESTS; i++) {
      const started = performance.now();
      const response = await fetch(url);
      const body = (await response.json()) as { db: { ok: boolean; latencyMs?: number } };
      roundTrip.push(performance.now() - started);
      if (body.db.latencyMs !== undefined) dbRead.push(body.db.latencyMs);
    }
    const baseUrl = `http://127.0.0.1:${last.port}`;
    const pageTtfb = await benchSignInTtfb(baseUrl, MEASURED_REQUESTS);
    const pageWeights = await benchPageWeights(baseUrl);
    const sessionCheck = await benchSessionCheck(baseUrl, MEASURED_REQUESTS);
    const login = await benchLogin(baseUrl, AUTH_REQUESTS);
    const refresh = await benchRefresh(baseUrl, AUTH_REQUESTS);
    await stop(last.dev);
    const hash = await benchHash(AUTH_REQUESTS);

    const results = {
      date: new Date().toISOString().slice(0, 10),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`,
      devToFirst200Ms: {
        cold: { median: median(cold), runs: cold.map(Math.round) },
        warm: { median: median(warm), runs: warm.map(Math.round) },
      },
      healthzMs: { median: median(roundTrip), p95: percentile(roundTrip, 95), requests: roundTrip.length },
      prismaOneRowReadMs: { median: median(dbRead), p95: percentile(dbRead, 95), samples: dbRead.length },
      requireSessionMs: sessionCheck,
      loginMs: login,
      refreshMs: refresh,
      argon2idHashMs: hash,
      pageTtfbMs: pageTtfb,
      pageWeightsGzipBytes: pageWeights,
    };
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** `npm run bench -- --gateway`: the gateway against the direct path, in a stack of its own. */
async function mainGateway(root: string): Promise<void> {
  console.log(JSON.stringify({ gateway: await benchGateway(root) }, null, 2));
}

/** `npm run bench -- --federated`: the token exchange for a known user, keys cached, beside a password login. */
async function mainFederated(root: string): Promise<void> {
  const results = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`,
    federated: await benchFederated(root, AUTH_REQUESTS),
  };
  console.log(JSON.stringify(results, null, 2));
}

/** `npm run bench -- --budgets`: bundle size and start-up CPU; a bundle over budget fails the run. */
async function mainBudgets(root: string): Promise<void> {
  const budgets = await benchBudgets(root);
  console.log(JSON.stringify({ budgets }, null, 2));
  if (budgets.overBudget) {
    console.error(
      `BUDGET EXCEEDED: the bundle is ${budgets.bundle.gzipKb} KB gzip, over the ${BUNDLE_GZIP_BUDGET_BYTES / 1000} KB budget (largest: ${budgets.bundle.largestInIndexJs
        .slice(0, 3)
        .map((entry) => entry.name)
        .join(", ")})`,
    );
    process.exitCode = 1;
  }
}

async function inTemporaryRoot(run: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "portcullis-bench-"));
  await chmod(root, 0o755);
  await run(root).finally(() => rm(root, { recursive: true, force: true }));
}

if (process.argv.includes("--client-size")) {
  await benchClientSize();
} else if (process.argv.includes("--compare")) {
  await compareWithBaseline();
} else if (process.argv.includes("--count")) {
  await countRoundTrips({ verbose: process.argv.includes("--verbose") });
} else if (process.argv.includes("--federated")) {
  await inTemporaryRoot(mainFederated);
} else if (process.argv.includes("--pages")) {
  await inTemporaryRoot(mainPages);
} else if (process.argv.includes("--gateway")) {
  await inTemporaryRoot(mainGateway);
} else if (process.argv.includes("--budgets")) {
  await inTemporaryRoot(mainBudgets);
} else {
  await main();
  await inTemporaryRoot(mainGateway);
  await inTemporaryRoot(mainBudgets);
}
