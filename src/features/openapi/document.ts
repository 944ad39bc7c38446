// Builds the OpenAPI 3.1 document from the app's describe() declarations (hono-openapi walks the routes;
// this adds parameters, the error responses and the security schemes).
import type { Hono } from "hono";
import { generateSpecs } from "hono-openapi";
import { z } from "zod";
import { API_TAGS } from "../../http/openapi/describe.ts";
import { errorResponses } from "../../http/openapi/errors.ts";
import { errorCodesOf, listOperations, toOpenApiPath } from "../../http/openapi/operations.ts";

/** The API's version in the document (the package version). */
export const API_VERSION = "0.1.0";

const DOCUMENTATION = {
  info: {
    title: "Portcullis",
    version: API_VERSION,
    description:
      'The auth gateway\'s JSON API. Every error answers `{"error": {"code", "message"}}`; the codes of each status are listed per operation.',
    license: { name: "MIT", identifier: "MIT" },
  },
  tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
  components: {
    securitySchemes: {
      cookieSession: {
        type: "apiKey",
        in: "cookie",
        name: "__Host-portcullis_at",
        description: "The browser session: the access token cookie set at sign-in (refreshed with the refresh cookie).",
      },
      bearerAccessToken: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT",
        description: 'An access token (typ at+jwt) from the `session.accessToken` of a sign-in with `client: "api"`.',
      },
    },
  },
} as const;

type OpenApiOperation = { parameters?: object[]; responses: Record<string, object> };
export type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, OpenApiOperation>> };

function parametersOf(location: "path" | "query", schema: z.ZodObject | undefined): object[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as { description?: string };
    return {
      name,
      in: location,
      required: location === "path" || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/** The document of every described route of `app`. */
export async function buildOpenApiDocument(app: Hono): Promise<OpenApiDocument> {
  const document = (await generateSpecs(app, {
    documentation: DOCUMENTATION as never,
    excludeStaticFile: false,
    excludeMethods: ["OPTIONS"],
    defaultValidationErrorResponse: false,
  })) as unknown as OpenApiDocument;
  const operationIds = new Set<string>();
  for (const operation of listOperations(app)) {
    const { declaration } = operation;
    if (operationIds.has(declaration.operationId)) throw new Error(`duplicate operationId ${declaration.operationId}`);
    operationIds.add(declaration.operationId);
    const documented = document.paths[toOpenApiPath(operation.path)]?.[operation.method.toLowerCase()];
    if (!documented) throw new Error(`${operation.method} ${operation.path} is described but missing`);
    // Path parameters hono-openapi inferred as plain strings give way to the declared schemas.
    const declared = [...parametersOf("path", declaration.params), ...parametersOf("query", declaration.query)];
    const names = new Set(declared.map((parameter) => (parameter as { name: string }).name));
    const inferred = (documented.parameters ?? []).filter(
      (parameter) => !names.has((parameter as { name: string }).name),
    );
    if (declared.length + inferred.length > 0) documented.parameters = [...declared, ...inferred];
    const responses = { ...errorResponses(errorCodesOf(operation)), ...documented.responses };
    documented.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
  }
  return document;
}
