// `npm run bench -- --count [--verbose] [--runs N]`: per endpoint, the PostgreSQL connections opened,
// the SQL statements run and the sequential round trips, read from the server (pg_stat_database,
// pg_stat_statements) and the relay's record (PORTCULLIS_RELAY_STATS), one request at a time.
import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { withDatabase } from "../lib/databases.ts";
import { LOCAL_DATABASE_NAME } from "../lib/local-database.ts";
import { paths } from "../lib/paths.ts";
import { type CountProbe, measureRequest, waitForQuiet } from "./count-measure.ts";
import { doubtfulRuns, type EndpointResult, markdownTable, statementLists } from "./count-report.ts";
import { BENCH_ROUTE_PREFIX, SCENARIOS, type Scenario } from "./count-scenarios.ts";
import { type BenchGateway, stop, timeToFirstOk } from "./dev-gateway.ts";

const DEFAULT_RUNS = 3;
const MAX_RUNS = 20;
const RELAY_LINE = /relay for the Neon driver on ws:\/\/(127\.0\.0\.1:\d+)/;

export type CountOptions = { verbose: boolean; runs?: number };

/** The smallest origin: a 1-line text answer to every request. */
export async function startTinyOrigin(): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function relayUrlOf(gateway: BenchGateway): string {
  const match = RELAY_LINE.exec(gateway.dev.output());
  if (!match) throw new Error(`no relay address in the dev output:\n${gateway.dev.output()}`);
  return `http://${match[1]}`;
}

async function measureScenario(probe: CountProbe, baseUrl: string, scenario: Scenario) {
  const request = await scenario.prepare(baseUrl);
  const { measurement, body } = await measureRequest(probe, request);
  if (measurement.status !== scenario.expectedStatus) {
    throw new Error(`${scenario.name}: expected ${scenario.expectedStatus}, got ${measurement.status} ${body}`);
  }
  return measurement;
}

function runsFromArgv(): number {
  const index = process.argv.indexOf("--runs");
  const runs = index === -1 ? DEFAULT_RUNS : Number(process.argv[index + 1]);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) throw new Error(`--runs must be 1–${MAX_RUNS}`);
  return runs;
}

const commit = () => execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: paths.root }).toString().trim();

export async function countRoundTrips(options: CountOptions): Promise<void> {
  const runs = options.runs ?? runsFromArgv();
  const root = await mkdtemp(join(tmpdir(), "portcullis-count-"));
  await chmod(root, 0o755);
  const origin = await startTinyOrigin();
  const routes = [
    { name: "bench", pathPrefix: BENCH_ROUTE_PREFIX, origin: origin.url, originId: "bench", policy: "authenticated" },
  ];
  let gateway: BenchGateway | undefined;
  let admin: pg.Client | undefined;
  try {
    gateway = await timeToFirstOk(join(root, "count"), {
      PORTCULLIS_PG_STATEMENTS: "1",
      PORTCULLIS_RELAY_STATS: "1",
      GATEWAY_ROUTES: JSON.stringify(routes),
    });
    const baseUrl = `http://127.0.0.1:${gateway.port}`;
    const databaseUrl = `postgres://postgres:postgres@127.0.0.1:${gateway.pgPort}/${LOCAL_DATABASE_NAME}`;
    // Counted from the `postgres` database, so that the bench's own session and queries are not.
    admin = new pg.Client({ connectionString: withDatabase(databaseUrl, "postgres") });
    const probe: CountProbe = { relayUrl: relayUrlOf(gateway), admin, database: LOCAL_DATABASE_NAME };
    await admin.connect();
    await admin.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await admin.query("SET pg_stat_statements.track = 'none'");

    // One unmeasured round first: the first requests compile the query engine and warm the caches.
    for (const scenario of SCENARIOS) await measureScenario(probe, baseUrl, scenario);
    const results: EndpointResult[] = SCENARIOS.map((scenario) => ({ scenario, runs: [] }));
    for (let run = 0; run < runs; run++) {
      for (const result of results) result.runs.push(await measureScenario(probe, baseUrl, result.scenario));
    }
    await waitForQuiet(probe);
    report(results, { verbose: options.verbose, runs });
  } finally {
    await admin?.end().catch(() => undefined);
    if (gateway) await stop(gateway.dev);
    await new Promise((resolve) => origin.server.close(resolve));
    await rm(root, { recursive: true, force: true });
  }
}

function report(results: EndpointResult[], options: { verbose: boolean; runs: number }): void {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  console.log(
    `Database round trips per request — ${date}, commit ${commit()}, ${machine}, median of ${options.runs}\n`,
  );
  console.log(markdownTable(results));
  for (const warning of doubtfulRuns(results)) console.log(`\nWARNING: ${warning}`);
  if (options.verbose) console.log(`\n${statementLists(results)}`);
  const json = {
    date,
    commit: commit(),
    machine,
    runs: options.runs,
    endpoints: results.map(({ scenario, runs }) => ({
      name: scenario.name,
      runs: runs.map(({ timeline, statements, ...run }) =>
        options.verbose ? { ...run, statements, timeline } : { ...run, statements: { calls: statements.calls } },
      ),
    })),
  };
  console.log(`\n${JSON.stringify(json, null, 2)}`);
}
