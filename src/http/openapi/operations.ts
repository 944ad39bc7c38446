// The documented operations of an app, found through its own route list (the describe() middleware).
import type { Hono } from "hono";
import { findTargetHandler } from "hono/utils/handler";
import type { ErrorCode } from "../error-codes.ts";
import { type DescribedMiddleware, OPERATION, type OperationDeclaration } from "./describe.ts";
import { ALWAYS_POSSIBLE_ERRORS, BODY_LIMIT_ERRORS, CSRF_ERRORS, JSON_BODY_ERRORS, SESSION_ERRORS } from "./errors.ts";

export type DescribedOperation = { method: string; path: string; declaration: OperationDeclaration };

/** The Hono path `/a/:id` as an OpenAPI path template `/a/{id}`. */
export const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}");

// Mirrors src/app.ts: limitBodySize() and csrfProtection() stand on /auth/* and /admin/*.
const LIMITED_PREFIXES = ["/auth/", "/admin/"];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Every route of `app` that carries a describe() middleware, in the app's matching order. */
export function listOperations(app: Hono<never> | Hono<Record<string, never>> | Hono): DescribedOperation[] {
  const operations: DescribedOperation[] = [];
  for (const route of (app as Hono).routes) {
    const handler = findTargetHandler(route.handler) as Partial<DescribedMiddleware>;
    const declaration = handler[OPERATION];
    if (declaration) operations.push({ method: route.method, path: route.path, declaration });
  }
  return operations;
}

/** The error codes an operation can answer with: its own plus those its route's middleware imply. */
export function errorCodesOf({ method, path, declaration }: DescribedOperation): ErrorCode[] {
  const codes: ErrorCode[] = [...(declaration.errors ?? [])];
  if (declaration.auth === "session") codes.push(...SESSION_ERRORS);
  if (declaration.auth === "optional") codes.push("unauthenticated");
  if (declaration.body && (declaration.bodyMediaTypes ?? ["application/json"]).includes("application/json"))
    codes.push(...JSON_BODY_ERRORS);
  if (LIMITED_PREFIXES.some((prefix) => path.startsWith(prefix))) {
    if (declaration.body || !SAFE_METHODS.has(method)) codes.push(...BODY_LIMIT_ERRORS);
    if (!SAFE_METHODS.has(method)) codes.push(...CSRF_ERRORS);
  }
  codes.push(...ALWAYS_POSSIBLE_ERRORS);
  return [...new Set(codes)];
}
