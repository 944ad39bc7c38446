// The `--count` results as a markdown table (the median of the runs, with the range when runs differ),
// the statements per endpoint for `--verbose`, and issue 12's targets beside the numbers.
import type { Measurement } from "./count-measure.ts";
import type { Scenario } from "./count-scenarios.ts";

/** Issue 12: every request opens at most one connection. */
export const CONNECTION_TARGET = 1;

export type EndpointResult = { scenario: Scenario; runs: Measurement[] };

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** The median, and the range when the runs disagree: `3` or `3 (2–4)`. */
function cell(values: number[]): string {
  const median = medianOf(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? String(median) : `${median} (${min}–${max})`;
}

const mark = (ok: boolean) => (ok ? "✓" : "✗");

function targets(result: EndpointResult): string {
  const connections = medianOf(result.runs.map((run) => run.connections.postgres));
  const parts = [`≤ ${CONNECTION_TARGET} conn. ${mark(connections <= CONNECTION_TARGET)}`];
  const target = result.scenario.roundTripTarget;
  if (target !== undefined) {
    const roundTrips = medianOf(result.runs.map((run) => run.roundTrips.beforeResponse));
    parts.push(`≤ ${target} RT ${mark(roundTrips <= target)}`);
  }
  return parts.join(", ");
}

const HEADER = [
  "| endpoint | status | PG connections (server / relay) | SQL statements | start-up round trips | round trips before response | after response | target |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
];

/** One row per endpoint; round trips exclude each connection's start-up, which has its own column. */
export function markdownTable(results: EndpointResult[]): string {
  const rows = results.map(({ scenario, runs }) => {
    const pick = (metric: (run: Measurement) => number) => cell(runs.map(metric));
    const statuses = [...new Set(runs.map((run) => run.status))].join("/");
    const connections = `${pick((run) => run.connections.postgres)} / ${pick((run) => run.connections.relay)}`;
    return `| ${scenario.name} | ${statuses} | ${connections} | ${pick((run) => run.statements.calls)} | ${pick(
      (run) => run.roundTrips.startup,
    )} | ${pick((run) => run.roundTrips.beforeResponse)} | ${pick((run) => run.roundTrips.afterResponse)} | ${targets({
      scenario,
      runs,
    })} |`;
  });
  return [...HEADER, ...rows].join("\n");
}

const oneLine = (query: string) => query.replace(/\s+/g, " ").trim();

/** Each endpoint's statements and their calls in its first run (`--verbose`). */
export function statementLists(results: EndpointResult[]): string {
  return results
    .map(({ scenario, runs }) => {
      const list = runs[0]?.statements.list ?? [];
      const lines = list.map((statement) => `- ${statement.calls} × \`${oneLine(statement.query)}\``);
      return [`### ${scenario.name}`, "", ...(lines.length ? lines : ["- (none)"])].join("\n");
    })
    .join("\n\n");
}

/**
 * Runs whose counts are in doubt: connections still open after the wait (deferred work may be
 * missing), or the server and the relay disagreeing on how many connections were opened.
 */
export function doubtfulRuns(results: EndpointResult[]): string[] {
  return results.flatMap(({ scenario, runs }) => [
    ...(runs.some((run) => !run.settled) ? [`${scenario.name}: connections still open after the wait`] : []),
    ...(runs.some((run) => run.connections.postgres !== run.connections.relay)
      ? [`${scenario.name}: pg_stat_database and the relay count different connections`]
      : []),
  ]);
}
