// Hono middleware: verifies the gateway's assertion and sets the caller's identity as `c.get("portcullis")`.
import type { MiddlewareHandler } from "hono";
import type { OriginIdentity } from "./assertion.ts";
import { type OriginMiddlewareOptions, refusalFor, verifierFrom } from "./refusal.ts";

export type { OriginMiddlewareOptions } from "./refusal.ts";

/** The context variables the middleware sets: `c.get("portcullis")` is the verified caller. */
export type PortcullisVariables = { portcullis: OriginIdentity };

/**
 * Checks `options` once and returns a middleware that lets a request through only with a valid
 * assertion (401 JSON otherwise, 503 when the gateway's keys cannot be fetched).
 */
export function portcullisAuth(
  options: OriginMiddlewareOptions,
): MiddlewareHandler<{ Variables: PortcullisVariables }> {
  const verify = verifierFrom(options);
  return async function portcullisAuthMiddleware(c, next) {
    // The full URL: the verifier compares its path (without the query) with the assertion's `htp`.
    const result = await verify({ method: c.req.method, path: c.req.url, headers: c.req.raw.headers });
    if (!result.ok) {
      const refusal = refusalFor(result.error);
      return c.json(refusal.body, refusal.status, refusal.headers);
    }
    c.set("portcullis", result.identity);
    await next();
  };
}
