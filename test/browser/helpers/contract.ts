// The response contract in the browser tests: every answer a context receives from a documented gateway
// operation (the passkey script's options calls, fetches the helpers make from a page, /healthz) is held to
// the committed docs/openapi.json, as the workers tests' answers are (test/helpers/contract.ts).
import type { BrowserContext, Response as PageResponse } from "playwright-core";
import { committedContract } from "../../node/committed-contract.ts";

type Watch = { origin: string; pending: Set<Promise<void>>; violations: string[] };
const watches = new WeakMap<BrowserContext, Watch>();

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

const BODY_WAIT_MS = 3_000;

/**
 * The answer's body, or undefined when the browser no longer has it: a document that navigated away
 * (the passkey script submits its form at once) drops its pending bodies, and some never settle.
 */
async function bodyOf(response: PageResponse): Promise<Buffer | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), BODY_WAIT_MS);
  });
  try {
    return await Promise.race([response.body().catch(() => undefined), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `response` as a fetch Response the contract can read (a redirect's body is not kept by the browser),
 * or null when it cannot be checked: an informational status, or a body the browser dropped.
 */
async function asFetchResponse(response: PageResponse): Promise<Response | null> {
  const status = response.status();
  if (status < 200 || status > 599) return null;
  const bodyless =
    NULL_BODY_STATUSES.has(status) || (status >= 300 && status < 400) || response.request().method() === "HEAD";
  const body = bodyless ? null : await bodyOf(response);
  if (body === undefined) return null;
  const contentType = response.headers()["content-type"];
  return new Response(body ? new Uint8Array(body) : null, {
    status,
    headers: contentType ? { "content-type": contentType } : {},
  });
}

async function check(watch: Watch, response: PageResponse): Promise<void> {
  if (new URL(response.url()).origin !== watch.origin) return;
  const copy = await asFetchResponse(response);
  if (!copy) return;
  try {
    await committedContract.assertDocumentedResponse(response.request().method(), response.url(), copy);
  } catch (error) {
    watch.violations.push(error instanceof Error ? error.message : String(error));
  }
}

/** Checks every answer from `origin` that `context` receives from now on. */
export function watchContract(context: BrowserContext, origin: string): void {
  const watch: Watch = { origin, pending: new Set(), violations: [] };
  watches.set(context, watch);
  context.on("response", (response) => {
    const done = check(watch, response);
    watch.pending.add(done);
    void done.finally(() => watch.pending.delete(done));
  });
}

/** Throws naming every contract violation `context` has seen so far (each is reported once). */
export async function expectNoContractViolations(context: BrowserContext): Promise<void> {
  const watch = watches.get(context);
  if (!watch) return;
  await Promise.all([...watch.pending]);
  const violations = watch.violations.splice(0);
  if (violations.length > 0) throw new Error(`OpenAPI contract, in the browser:\n${violations.join("\n")}`);
}
