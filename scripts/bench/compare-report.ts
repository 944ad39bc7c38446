// The before/after comparison as a markdown table and as JSON.
import { cpus, loadavg } from "node:os";
import { type Summary, summarize } from "./stats.ts";

export type Comparison = { endpoint: string; before: Summary; after: Summary };

export type CompareHeader = {
  date: string;
  before: { ref: string; commit: string };
  after: { commit: string };
  loadAtStart: number[];
  loadAtEnd: number[];
};

const round1 = (value: number) => Math.round(value * 10) / 10;
const signed = (value: number) => `${value > 0 ? "+" : ""}${value}`;

export function compare(endpoint: string, before: number[], after: number[]): Comparison {
  return { endpoint, before: summarize(before), after: summarize(after) };
}

export const currentLoad = () => loadavg().map(round1);

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`;
}

function change({ before, after }: Comparison): { ms: number; percent: number } {
  const ms = round1(after.median - before.median);
  return { ms, percent: round1((ms / before.median) * 100) };
}

export function markdownTable(comparisons: Comparison[]): string {
  const lines = [
    "| endpoint | requests per stack | before median / p95 (ms) | after median / p95 (ms) | change of the median (ms, %) |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const comparison of comparisons) {
    const { ms, percent } = change(comparison);
    const { before, after } = comparison;
    lines.push(
      `| ${comparison.endpoint} | ${before.samples} | ${before.median} / ${before.p95} | ${after.median} / ${after.p95} | ${signed(ms)} ms (${signed(percent)} %) |`,
    );
  }
  return lines.join("\n");
}

export function report(header: CompareHeader, comparisons: Comparison[]): string {
  const title =
    `Before/after, interleaved — ${header.date}, before ${header.before.commit} (${header.before.ref}), ` +
    `after ${header.after.commit}, ${machine()}, load average (1/5/15 min) ${header.loadAtStart.join(" / ")} ` +
    `at the start, ${header.loadAtEnd.join(" / ")} at the end`;
  const json = {
    ...header,
    machine: machine(),
    endpoints: comparisons.map((comparison) => ({ ...comparison, change: change(comparison) })),
  };
  return `${title}\n\n${markdownTable(comparisons)}\n\n${JSON.stringify(json, null, 2)}`;
}
