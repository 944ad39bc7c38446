// Builds the OpenAPI 3.1 document from the app's describe() declarations, with zod's own JSON Schema
// conversion (draft 2020-12, the dialect of OpenAPI 3.1): operations, parameters, bodies, errors.
import type { Hono } from "hono";
import { z } from "zod";
import { API_TAGS, type OperationDeclaration, type ResponseDeclaration } from "../../http/openapi/describe.ts";
import { errorResponses } from "../../http/openapi/errors.ts";
import { type DescribedOperation, errorCodesOf, listOperations, toOpenApiPath } from "../../http/openapi/operations.ts";

/** The API's version in the document (the package version). */
export const API_VERSION = "0.1.0";

const INFO = {
  title: "Portcullis",
  version: API_VERSION,
  description:
    'The auth gateway\'s JSON API. Every error answers `{"error": {"code", "message"}}`; the codes of each status are listed per operation.',
  license: { name: "MIT", identifier: "MIT" },
};

const SECURITY_SCHEMES = {
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
  deliveryWebhookSignature: {
    type: "apiKey",
    in: "header",
    name: "X-Portcullis-Signature",
    description:
      "Not a key: `v1=<hex>` (comma-separated during a rotation), the HMAC-SHA-256 under `DELIVERY_WEBHOOK_SECRET` (or `DELIVERY_WEBHOOK_PREVIOUS_SECRET`) of `<X-Portcullis-Timestamp>.<raw body>`.",
  },
};
const SESSION_SECURITY = [{ cookieSession: [] }, { bearerAccessToken: [] }];
const SECURITY: Record<NonNullable<OperationDeclaration["auth"]>, object[]> = {
  session: SESSION_SECURITY,
  optional: [...SESSION_SECURITY, {}],
  deliveryWebhook: [{ deliveryWebhookSignature: [] }],
};

type JsonSchema = Record<string, unknown>;
type OpenApiOperation = { parameters?: object[]; responses: Record<string, object> } & Record<string, unknown>;
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: typeof INFO;
  paths: Record<string, Record<string, OpenApiOperation>>;
} & Record<string, unknown>;

const DEFS_PREFIX = "#/$defs/";

/** Rewrites `#/$defs/X` references to `#/components/schemas/X`. */
function pointAtComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointAtComponents);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) =>
      key === "$ref" && typeof item === "string" && item.startsWith(DEFS_PREFIX)
        ? [key, `#/components/schemas/${item.slice(DEFS_PREFIX.length)}`]
        : [key, pointAtComponents(item)],
    ),
  );
}

/** JSON Schema of `schema`; named schemas (`.meta({ id })`) move to the document's components. */
function schemaOf(schema: z.ZodType, components: Record<string, unknown>): JsonSchema {
  const { $schema: _dialect, $defs, ...json } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
  for (const [name, definition] of Object.entries($defs ?? {})) components[name] = pointAtComponents(definition);
  return pointAtComponents(json) as JsonSchema;
}

function parametersOf(operation: DescribedOperation, components: Record<string, unknown>): object[] {
  const { params, query, headers } = operation.declaration;
  const parameters: { name: string; in: string }[] = [];
  for (const [location, schema] of [
    ["path", params],
    ["query", query],
    ["header", headers],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, components) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, { description, ...property }] of Object.entries(json.properties ?? {})) {
      parameters.push({
        name,
        in: location,
        required: location === "path" || (json.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: property,
      } as { name: string; in: string });
    }
  }
  // A path parameter without a declared schema is still a required string.
  for (const [, name = ""] of toOpenApiPath(operation.path).matchAll(/\{([^}]+)\}/g)) {
    if (!parameters.some((parameter) => parameter.in === "path" && parameter.name === name)) {
      parameters.push({ name, in: "path", required: true, schema: { type: "string" } } as { name: string; in: string });
    }
  }
  return parameters;
}

function responseOf(status: string, declaration: ResponseDeclaration, components: Record<string, unknown>) {
  if ("_zod" in declaration) {
    return {
      description: `${status} response`,
      content: { "application/json": { schema: schemaOf(declaration, components) } },
    };
  }
  const { description, schema, contentType = "application/json", headers } = declaration;
  const described = headers
    ? {
        description,
        headers: Object.fromEntries(
          Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: "string" } }]),
        ),
      }
    : { description };
  return schema ? { ...described, content: { [contentType]: { schema: schemaOf(schema, components) } } } : described;
}

function operationOf(operation: DescribedOperation, components: Record<string, unknown>): OpenApiOperation {
  const declaration: OperationDeclaration = operation.declaration;
  const parameters = parametersOf(operation, components);
  const responses: Record<string, object> = errorResponses(errorCodesOf(operation));
  for (const [status, response] of Object.entries(declaration.responses)) {
    responses[status] = responseOf(status, response, components);
  }
  const security = declaration.auth ? SECURITY[declaration.auth] : [];
  return {
    operationId: declaration.operationId,
    tags: [declaration.tag],
    summary: declaration.summary,
    ...(declaration.description ? { description: declaration.description } : {}),
    security,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(declaration.body
      ? {
          requestBody: {
            required: declaration.bodyRequired ?? true,
            content: Object.fromEntries(
              (declaration.bodyMediaTypes ?? ["application/json"]).map((type) => [
                type,
                { schema: schemaOf(declaration.body as z.ZodType, components) },
              ]),
            ),
          },
        }
      : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

/** The document of every described route of `app`, in the app's route order. */
export async function buildOpenApiDocument(app: Hono): Promise<OpenApiDocument> {
  const paths: OpenApiDocument["paths"] = {};
  const components: Record<string, unknown> = {};
  const operationIds = new Set<string>();
  for (const operation of listOperations(app)) {
    const { operationId } = operation.declaration;
    if (operationIds.has(operationId)) throw new Error(`duplicate operationId ${operationId}`);
    operationIds.add(operationId);
    const path = toOpenApiPath(operation.path);
    paths[path] = { ...paths[path], [operation.method.toLowerCase()]: operationOf(operation, components) };
  }
  return {
    openapi: "3.1.0",
    info: INFO,
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      ...(Object.keys(components).length > 0 ? { schemas: components } : {}),
    },
  };
}
