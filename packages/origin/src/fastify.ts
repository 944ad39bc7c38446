// Fastify hook: verifies the gateway's assertion and puts the caller's identity on `request.portcullis`.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { OriginIdentity } from "./assertion.ts";
import { type OriginMiddlewareOptions, refusalFor, verifierFrom } from "./refusal.ts";

export type { OriginMiddlewareOptions } from "./refusal.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The caller whose gateway assertion verified; set by `portcullisAuth`. */
    portcullis?: OriginIdentity;
  }
}

/**
 * Checks `options` once and returns an `onRequest` hook that lets a request through only with a
 * valid assertion (401 JSON otherwise, 503 when the gateway's keys cannot be fetched):
 * `app.addHook("onRequest", portcullisAuth({ jwksUrl, issuer, audience }))`.
 */
export function portcullisAuth(options: OriginMiddlewareOptions) {
  const verify = verifierFrom(options);
  return async function portcullisAuthHook(request: FastifyRequest, reply: FastifyReply) {
    // request.url is the target as received (Node's req.url), query string included.
    const result = await verify({ method: request.method, path: request.url, headers: request.headers });
    if (!result.ok) {
      const refusal = refusalFor(result.error);
      // Returning the reply that was sent ends the request here (Fastify's early answer from an async hook).
      return reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
    }
    request.portcullis = result.identity;
    return undefined;
  };
}
