// `npm run bench`: time from `npm run dev` to the first 200 on /healthz (cold and warm data dir), and the
// latency of /healthz and of the one-row Prisma read it makes through the relay. Bounded in count and time.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { type DevProcess, spawnDev, waitForGateway } from "./lib/dev-process.ts";
import { findFreePort } from "./lib/free-port.ts";

const STARTS_PER_KIND = 3;
const WARMUP_REQUESTS = 20;
const MEASURED_REQUESTS = 300;

const median = (values: number[]) => percentile(values, 50);
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? Number.NaN) * 10) / 10;
}

async function stop(dev: DevProcess): Promise<void> {
  dev.child.kill("SIGINT");
  await dev.exited;
}

/** Milliseconds from spawning the orchestrator to the first 200 on /healthz. */
async function timeToFirstOk(dataDir: string): Promise<{ ms: number; dev: DevProcess; port: number }> {
  const [port, pgPort] = await Promise.all([findFreePort(), findFreePort()]);
  const started = performance.now();
  const dev = spawnDev({ PORTCULLIS_DATA_DIR: dataDir, PORT: String(port), PORTCULLIS_PG_PORT: String(pgPort) });
  for (;;) {
    const response = await waitForGateway(port, dev);
    if (response.status === 200) break;
    if (performance.now() - started > 120_000) throw new Error("no 200 within 120 s");
  }
  return { ms: performance.now() - started, dev, port };
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
    await stop(last.dev);

    const results = {
      date: new Date().toISOString().slice(0, 10),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`,
      devToFirst200Ms: {
        cold: { median: median(cold), runs: cold.map(Math.round) },
        warm: { median: median(warm), runs: warm.map(Math.round) },
      },
      healthzMs: { median: median(roundTrip), p95: percentile(roundTrip, 95), requests: roundTrip.length },
      prismaOneRowReadMs: { median: median(dbRead), p95: percentile(dbRead, 95), samples: dbRead.length },
    };
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
