// GET /auth/openapi.json (the document, built once per isolate) and GET /auth/docs (its reference page,
// on outside production unless API_DOCS says otherwise; otherwise the same 404 as an unknown route).
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { describe } from "../../http/openapi/describe.ts";
import { pageSecurity } from "../../ui/page-security.ts";
import { renderPage } from "../../ui/render.tsx";
import { ApiReference } from "./docs-page.tsx";
import { buildOpenApiDocument, type OpenApiDocument } from "./document.ts";

const DOCUMENT_MAX_AGE_SECONDS = 300;

const documentOperation = describe({
  operationId: "getOpenApiDocument",
  tag: "meta",
  summary: "This OpenAPI 3.1 document",
  responses: { 200: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }) },
});

const docsOperation = describe({
  operationId: "getApiReference",
  tag: "meta",
  summary: "The API reference page (HTML); on outside production unless API_DOCS=true",
  responses: { 200: { description: "The reference page.", schema: z.string(), contentType: "text/html" } },
  errors: ["not_found"],
});

const requireDocsEnabled = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.config.apiDocs) throw new AppError("not_found");
  await next();
});

/** The document routes of `app`, read when first asked for (after every route is mounted). */
export function openApiRoutes(app: Hono<AppEnv>) {
  let document: Promise<OpenApiDocument> | undefined;
  const currentDocument = () => {
    document ??= buildOpenApiDocument(app as unknown as Hono).catch((error: unknown) => {
      document = undefined;
      throw error;
    });
    return document;
  };
  return new Hono<AppEnv>()
    .get("/auth/openapi.json", documentOperation, async (c) => {
      const body = await currentDocument();
      c.header("Cache-Control", `public, max-age=${DOCUMENT_MAX_AGE_SECONDS}`);
      return c.json(body);
    })
    .get("/auth/docs", docsOperation, requireDocsEnabled, pageSecurity(), async (c) => {
      const body = (await currentDocument()) as OpenApiDocument & { info: { version: string } };
      return renderPage(c, { title: (view) => view.t.apiDocs.title, wide: true }, (view) => (
        <ApiReference view={view} document={body} />
      ));
    });
}
