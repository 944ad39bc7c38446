// Percentiles for benchmark samples, rounded to 0.1 ms.

export type Summary = { median: number; p95: number; samples: number };

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? Number.NaN) * 10) / 10;
}

export function summarize(values: number[]): Summary {
  return { median: percentile(values, 50), p95: percentile(values, 95), samples: values.length };
}

/** Runs `operation` `count` times one after another and returns each duration in ms. */
export async function timeEach(count: number, operation: (index: number) => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await operation(i);
    durations.push(performance.now() - started);
  }
  return durations;
}
