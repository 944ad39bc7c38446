// Work the answer does not depend on (audit rows, counter resets, notices), run after the response.
import { logger } from "./logger.ts";

export type Deferral = {
  /** The request's `defer` (db middleware); absent outside a request, where the work runs at once. */
  defer?: (work: () => Promise<unknown>) => void;
};

/** Runs `work` after the response when the caller can defer, else now; a failure is logged, never thrown. */
export async function afterResponse(deps: Deferral, work: () => Promise<unknown>): Promise<void> {
  if (deps.defer) {
    deps.defer(work);
    return;
  }
  try {
    await work();
  } catch (error) {
    logger.error("deferred work failed", { error: String(error) });
  }
}
