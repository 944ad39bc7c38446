// Express middleware: verifies the gateway's assertion and puts the caller's identity on `req.portcullis`.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { OriginIdentity } from "./assertion.ts";
import { type OriginMiddlewareOptions, refusalFor, verifierFrom } from "./refusal.ts";

export type { OriginMiddlewareOptions } from "./refusal.ts";

declare global {
  namespace Express {
    interface Request {
      /** The caller whose gateway assertion verified; set by `portcullisAuth`. */
      portcullis?: OriginIdentity;
    }
  }
}

/**
 * Checks `options` once and returns a middleware that lets a request through only with a valid
 * assertion (401 JSON otherwise, 503 when the gateway's keys cannot be fetched).
 */
export function portcullisAuth(options: OriginMiddlewareOptions): RequestHandler {
  const verify = verifierFrom(options);
  return function portcullisAuthMiddleware(request: Request, response: Response, next: NextFunction) {
    // originalUrl: the target as received, before any router mount rewrote `req.url`.
    verify({ method: request.method, path: request.originalUrl, headers: request.headers }).then((result) => {
      if (!result.ok) {
        const refusal = refusalFor(result.error);
        response.status(refusal.status).set(refusal.headers).json(refusal.body);
        return;
      }
      request.portcullis = result.identity;
      next();
    }, next);
  };
}
