// The Worker as the client's fetch: every request goes through the real entry point (test/helpers/worker.ts),
// is counted by path, and can be made to lose its answer (a network error after the server did the work).
import { parseSetCookie, setCookieHeaders } from "../../../../test/helpers/client.ts";
import type { WorkerClient } from "../../../../test/helpers/worker.ts";
import type { FetchLike } from "../../src/index.ts";

export const GATEWAY = "http://localhost";

export type CountingFetch = FetchLike & {
  /** How many requests reached the Worker, by `METHOD /path`. */
  count: (route: string) => number;
  /** The next `times` requests to `route` reach the Worker, but their answers are lost. */
  loseAnswers: (route: string, times: number) => void;
};

type Hooks = { before?: (request: Request) => Request; after?: (response: Response) => void };

function countingFetch(worker: WorkerClient, hooks: Hooks = {}): CountingFetch {
  const counts = new Map<string, number>();
  const losing = new Map<string, number>();
  const send = async (input: Request) => {
    const request = hooks.before ? hooks.before(input) : input;
    const route = `${request.method} ${new URL(request.url).pathname}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    const response = await worker.fetch(request.url, { method: request.method, headers: request.headers, body });
    hooks.after?.(response);
    const lose = losing.get(route) ?? 0;
    if (lose > 0) {
      losing.set(route, lose - 1);
      throw new TypeError("network connection lost");
    }
    return response;
  };
  return Object.assign(send, {
    count: (route: string) => counts.get(route) ?? 0,
    loseAnswers: (route: string, times: number) => {
      losing.set(route, times);
    },
  });
}

/** A plain API client's fetch (no cookies, no Origin), from its own address. */
export function apiFetch(worker: WorkerClient): CountingFetch {
  return countingFetch(worker, {
    before: (request) => {
      const headers = new Headers(request.headers);
      headers.set("cf-connecting-ip", "198.51.100.7");
      return new Request(request, { headers });
    },
  });
}

/**
 * A browser's fetch: a cookie jar for the gateway, and the Origin header a browser adds to unsafe
 * requests (`origin`; null for a browser that sends neither Origin nor Fetch Metadata).
 */
export function browserFetch(worker: WorkerClient, initialOrigin: string | null = GATEWAY) {
  let origin = initialOrigin;
  const jar = new Map<string, string>();
  const fetch = countingFetch(worker, {
    before: (request) => {
      const headers = new Headers(request.headers);
      headers.set("cf-connecting-ip", "198.51.100.8");
      if (origin !== null && request.method !== "GET") headers.set("origin", origin);
      if (jar.size > 0) headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
      return new Request(request, { headers });
    },
    after: (response) => {
      for (const cookie of setCookieHeaders(response).map(parseSetCookie)) {
        const expired = cookie.value === "" || cookie.attributes.some((a) => /^max-age=0$/i.test(a));
        if (expired) jar.delete(cookie.name);
        else jar.set(cookie.name, cookie.value);
      }
    },
  });
  /** From now on, requests come from `next` (a page of another site; null: no Origin, no Fetch Metadata). */
  const moveTo = (next: string | null) => {
    origin = next;
  };
  return { fetch, jar, moveTo };
}
