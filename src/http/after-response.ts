// Work the answer does not depend on (audit rows, counter resets, notices), run after the response.
import { logger } from "./logger.ts";

export type Deferral = {
  /** The request's `defer` (db middleware); absent outside a request, where the work runs at once. */
  defer?: (work: () => Promise<unknown>) => void;
};

/** Runs deferred `work`; a failure is logged with `fields`, never thrown (the answer is already given). */
export async function runDeferred(work: () => Promise<unknown>, fields: Record<string, unknown> = {}): Promise<void> {
  try {
    await work();
  } catch (error) {
    logger.error("deferred work failed", { ...fields, error: String(error) });
  }
}

/** Runs `work` after the response when the caller can defer, else now (see runDeferred). */
export async function afterResponse(deps: Deferral, work: () => Promise<unknown>): Promise<void> {
  if (deps.defer) deps.defer(work);
  else await runDeferred(work);
}
