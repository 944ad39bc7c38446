// The response contract: every answer a test receives from a documented operation must have a documented
// status and a body matching that status's schema in the OpenAPI document (validated without code
// generation, in workerd and in Node). Objects are held closed here: a field the document does not list
// fails. The document is given: the workers tests take the one the app builds (app-contract.ts), the
// examples the committed docs/openapi.json (examples/test-support/contract-fetch.ts).
import { type OutputUnit, type Schema, Validator } from "@cfworker/json-schema";

type MediaTypes = Record<string, { schema?: Schema }>;
type DocumentedResponse = { content?: MediaTypes };
type Operation = { operationId: string; responses: Record<string, DocumentedResponse> };
type Matcher = { method: string; template: string; pattern: RegExp; staticSegments: number; operation: Operation };

/** What the contract reads of an OpenAPI document. */
export type ContractDocument = {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
};

export type ResponseContract = {
  /** The document's operations, static paths before templated ones (as Hono's router prefers them). */
  documentedOperations: () => Promise<Matcher[]>;
  /**
   * Throws when `response` (to `method` `url`) breaks the document: an undocumented status, another
   * content type, or a body the status's schema refuses. Routes the document does not describe pass
   * untouched (a proxied WebSocket upgrade, say, whose response cannot be cloned).
   */
  assertDocumentedResponse: (method: string, url: string, response: Response) => Promise<void>;
};

const COMPONENT_PREFIX = "#/components/schemas/";

/**
 * A copy of `schema` whose objects with listed properties allow no others (unless they say so), with
 * references to the document's component schemas pointing into `$defs`.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== "object" || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith(COMPONENT_PREFIX)) {
      copy[key] = `#/$defs/${value.slice(COMPONENT_PREFIX.length)}`;
    } else copy[key] = key === "enum" || key === "const" ? value : closeObjects(value);
  }
  if ("properties" in copy && !("additionalProperties" in copy)) copy.additionalProperties = false;
  return copy;
}

function matcherOf(method: string, template: string, operation: Operation): Matcher {
  const segments = template.split("/");
  const source = segments.map((segment) =>
    /^\{.+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&"),
  );
  return {
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^${source.join("/")}$`),
    staticSegments: segments.filter((segment) => !segment.startsWith("{")).length,
    operation,
  };
}

const describeErrors = (errors: OutputUnit[]) =>
  errors
    .filter((error) => error.keyword !== "properties" && error.keyword !== "anyOf")
    .slice(0, 5)
    .map((error) => `${error.instanceLocation}: ${error.error}`)
    .join("; ");

/** The contract of `loadDocument`'s document (loaded once, on first use). */
export function createResponseContract(
  loadDocument: () => ContractDocument | Promise<ContractDocument>,
): ResponseContract {
  let matchersPromise: Promise<Matcher[]> | undefined;
  let componentSchemas: Record<string, unknown> = {};
  const validators = new WeakMap<object, Validator>();

  function documentedOperations(): Promise<Matcher[]> {
    matchersPromise ??= Promise.resolve(loadDocument()).then((document) => {
      componentSchemas = document.components?.schemas ?? {};
      return Object.entries(document.paths)
        .flatMap(([template, methods]) =>
          Object.entries(methods).map(([method, operation]) => matcherOf(method, template, operation as Operation)),
        )
        .sort((a, b) => b.staticSegments - a.staticSegments);
    });
    return matchersPromise;
  }

  function validatorFor(schema: Schema): Validator {
    let validator = validators.get(schema);
    if (!validator) {
      const closed = closeObjects(schema) as Record<string, unknown>;
      validator = new Validator({ ...closed, $defs: closeObjects(componentSchemas) } as Schema, "2020-12", false);
      validators.set(schema, validator);
    }
    return validator;
  }

  async function assertDocumentedResponse(method: string, url: string, response: Response): Promise<void> {
    const upperMethod = method.toUpperCase();
    if (upperMethod === "HEAD" || upperMethod === "OPTIONS") return;
    const { pathname } = new URL(url);
    const matcher = (await documentedOperations()).find(
      (candidate) => candidate.method === upperMethod && candidate.pattern.test(pathname),
    );
    if (!matcher) return;
    const { operation } = matcher;
    const where = `${operation.operationId} (${upperMethod} ${matcher.template}) answered ${response.status}`;
    const documented = operation.responses[String(response.status)];
    if (!documented) {
      const statuses = Object.keys(operation.responses).join(", ");
      throw new Error(`OpenAPI contract: ${where}, an undocumented status (documented: ${statuses})`);
    }
    // The body is read from a copy, so the test still reads the original (only documented routes get here).
    const text = await response.clone().text();
    const contentType = response.headers.get("content-type") ?? "";
    const media = Object.entries(documented.content ?? {});
    if (media.length === 0) {
      if (text !== "") throw new Error(`OpenAPI contract: ${where} with a body where the document says none`);
      return;
    }
    const entry = media.find(([type]) => contentType.toLowerCase().startsWith(type));
    if (!entry)
      throw new Error(
        `OpenAPI contract: ${where} as "${contentType}", not ${media.map(([type]) => type).join(" or ")}`,
      );
    const [type, { schema }] = entry;
    if (type !== "application/json" || !schema) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`OpenAPI contract: ${where} with a body that is not JSON`);
    }
    const result = validatorFor(schema).validate(body);
    if (!result.valid)
      throw new Error(`OpenAPI contract: ${where}, body does not match: ${describeErrors(result.errors)}`);
  }

  return { documentedOperations, assertDocumentedResponse };
}
