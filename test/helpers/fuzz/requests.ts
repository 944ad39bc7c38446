// Fuzz cases for one documented operation: valid requests from its schemas and invalid ones (one kind of
// mutation each), as method, path with query, headers and raw body.
import type { SeededRandom } from "./random.ts";
import { type IdPool, type JsonSchema, ODD_STRINGS, validValue, wrongTypeValue } from "./values.ts";

type Parameter = { name: string; in: "path" | "query" | "header" | "cookie"; required?: boolean; schema?: JsonSchema };
export type FuzzOperation = {
  method: string;
  template: string;
  operation: {
    operationId: string;
    parameters?: Parameter[];
    requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
  };
};

export type FuzzCase = {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Credentials sent as garbage: the identity's own are left off. */
  garbageAuth?: boolean;
};

/** Above the default MAX_BODY_BYTES (64 KiB). */
const OVER_BODY_LIMIT = 80_000;
const BODY_KINDS = [
  "wrong-top-type",
  "missing-required",
  "extra-field",
  "wrong-field-type",
  "over-field-limit",
  "over-body-limit",
  "odd-string",
  "malformed-json",
  "empty-body",
  "duplicate-keys",
  "deep-nesting",
  "wrong-content-type",
  "no-content-type",
] as const;
const GENERIC_KINDS = ["bad-path-param", "bad-query", "garbage-auth", "spoofed-headers", "stray-body"] as const;
/** Every invalid kind the fuzzer knows (the summary counts requests per kind). */
export const INVALID_KINDS = [...BODY_KINDS, ...GENERIC_KINDS];

const BAD_PATH_VALUES = [
  "not-a-uuid",
  "%00",
  "..%2F..%2Fadmin",
  "%ZZ",
  "%F0%9F%A6%80",
  "x".repeat(3000),
  "%E0%A4%A",
  "%22%3E",
];
const BAD_QUERY_VALUES = ["abc", "-1", "1e999", "0x10", "%ZZ", "%00", "x".repeat(5000), "%F0%9F%A6%80", "[]", "null"];

const jsonSchemaOf = (op: FuzzOperation) => op.operation.requestBody?.content["application/json"]?.schema;
const formSchemaOf = (op: FuzzOperation) =>
  op.operation.requestBody?.content["application/x-www-form-urlencoded"]?.schema;
const params = (op: FuzzOperation, where: Parameter["in"]) =>
  (op.operation.parameters ?? []).filter((parameter) => parameter.in === where);

function pathWith(op: FuzzOperation, random: SeededRandom, ids: IdPool, bad?: string): string {
  const names = params(op, "path").map((parameter) => parameter.name);
  const spoiled = bad !== undefined && names.length > 0 ? random.pick(names) : undefined;
  return op.template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    if (name === spoiled) return bad as string;
    const schema = params(op, "path").find((parameter) => parameter.name === name)?.schema ?? { type: "string" };
    return encodeURIComponent(String(validValue(schema, random, ids)));
  });
}

function validQuery(op: FuzzOperation, random: SeededRandom, ids: IdPool): URLSearchParams {
  const query = new URLSearchParams();
  for (const parameter of params(op, "query")) {
    if (parameter.required || random.chance(0.5))
      query.set(parameter.name, String(validValue(parameter.schema ?? { type: "string" }, random, ids)));
  }
  return query;
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

/** A valid request for `op`: documented params, and a body its schema accepts. */
export function validCase(op: FuzzOperation, random: SeededRandom, ids: IdPool): FuzzCase {
  const path = withQuery(pathWith(op, random, ids), validQuery(op, random, ids).toString());
  const json = jsonSchemaOf(op);
  const form = formSchemaOf(op);
  if (json) {
    const body = JSON.stringify(validValue(json, random, ids));
    return { kind: "valid", method: op.method, path, headers: { "content-type": "application/json" }, body };
  }
  if (form) {
    const values = validValue(form, random, ids) as Record<string, unknown>;
    const body = new URLSearchParams(
      Object.entries(values).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return {
      kind: "valid",
      method: op.method,
      path,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    };
  }
  return { kind: "valid", method: op.method, path, headers: {} };
}

function firstProperty(schema: JsonSchema | undefined, random: SeededRandom): [string, JsonSchema] | undefined {
  const entries = Object.entries(schema?.properties ?? {});
  return entries.length > 0 ? random.pick(entries) : undefined;
}

/** The raw JSON body of a body mutation `kind` (undefined: send none). */
function mutatedBody(kind: string, schema: JsonSchema | undefined, random: SeededRandom, ids: IdPool) {
  const base = (schema ? validValue(schema, random, ids) : {}) as Record<string, unknown>;
  const object = typeof base === "object" && base !== null && !Array.isArray(base) ? base : {};
  const property = firstProperty(schema, random);
  const key = property?.[0] ?? "field";
  switch (kind) {
    case "wrong-top-type":
      return JSON.stringify(random.pick([[], "text", 42, null, true, [object]]));
    case "missing-required": {
      const required = schema?.required ?? [];
      const { [required.length > 0 ? random.pick(required) : key]: _dropped, ...rest } = object;
      return JSON.stringify(rest);
    }
    case "extra-field":
      return JSON.stringify({ ...object, [random.pick(["isAdmin", "__proto__x", "role", "userId"])]: true });
    case "wrong-field-type":
      return JSON.stringify({ ...object, [key]: wrongTypeValue(property?.[1] ?? {}, random) });
    case "over-field-limit": {
      const limit = property?.[1].maxLength ?? 1024;
      return JSON.stringify({ ...object, [key]: "x".repeat(Math.min(limit + 1, OVER_BODY_LIMIT / 2)) });
    }
    case "over-body-limit":
      return JSON.stringify({ ...object, [key]: "y".repeat(OVER_BODY_LIMIT) });
    case "odd-string":
      return JSON.stringify({ ...object, [key]: random.pick(ODD_STRINGS) });
    case "malformed-json":
      return random.pick(['{"a":', "{'a':1}", '{"a":1,}', "{", "[1,2", '{"a":"\\x"}', "\u0000", "undefined"]);
    case "empty-body":
      return "";
    case "duplicate-keys":
      return `{"${key}":${JSON.stringify(wrongTypeValue(property?.[1] ?? {}, random))},${JSON.stringify(object).slice(1)}`;
    case "deep-nesting": {
      const depth = random.pick([512, 3000, 20_000]);
      return `{"${key}":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    }
    default:
      return JSON.stringify(object);
  }
}

/** An invalid request of `kind` for `op` (a kind that does not apply to it falls back to stray input). */
export function invalidCase(op: FuzzOperation, kind: string, random: SeededRandom, ids: IdPool): FuzzCase {
  const valid = validCase(op, random, ids);
  const canHaveBody = op.method !== "GET";
  const schema = jsonSchemaOf(op);
  if ((BODY_KINDS as readonly string[]).includes(kind) && canHaveBody) {
    const body = mutatedBody(kind, schema ?? formSchemaOf(op), random, ids);
    const contentType =
      kind === "wrong-content-type"
        ? random.pick([
            "text/plain",
            "application/xml",
            "multipart/form-data; boundary=x",
            "application/json-patch+json",
          ])
        : formSchemaOf(op) && !schema
          ? "application/x-www-form-urlencoded"
          : "application/json";
    const headers: Record<string, string> = kind === "no-content-type" ? {} : { "content-type": contentType };
    return { kind, method: op.method, path: valid.path, headers, body };
  }
  switch (kind) {
    case "bad-path-param":
      if (params(op, "path").length > 0)
        return { ...valid, kind, path: pathWith(op, random, ids, random.pick(BAD_PATH_VALUES)) };
      break;
    case "bad-query": {
      const [path = "", query = ""] = valid.path.split("?");
      const names = params(op, "query").map((parameter) => parameter.name);
      const name = names.length > 0 ? random.pick(names) : "unknown";
      const extra = `${name}=${random.pick(BAD_QUERY_VALUES)}&${name}=2`;
      return { ...valid, kind, path: `${path}?${query ? `${query}&` : ""}${extra}` };
    }
    case "garbage-auth":
      return { ...valid, kind, garbageAuth: true };
    case "spoofed-headers":
      return {
        ...valid,
        kind,
        headers: {
          ...valid.headers,
          "x-forwarded-for": "127.0.0.1, 10.0.0.1",
          "x-real-ip": "::1",
          "x-forwarded-host": "evil.example",
          "x-request-id": "<script>spoofed</script>",
          "cf-connecting-ip": random.pick(["not-an-ip", "999.1.1.1", "::ffff:1.2.3.4", "1.2.3.4, 5.6.7.8"]),
        },
      };
  }
  if (!canHaveBody)
    return { ...valid, kind: `${kind}→bad-query`, path: `${valid.path.split("?")[0]}?limit=%ZZ&x=${"z".repeat(3000)}` };
  const body = random.pick(['{"stray":true}', "z".repeat(OVER_BODY_LIMIT), "not json"]);
  return { ...valid, kind: `${kind}→stray-body`, headers: { "content-type": "application/json" }, body };
}
