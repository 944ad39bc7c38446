// Values from the document's JSON Schemas: valid ones (types, enums, formats, lengths, patterns, ranges)
// and the odd strings the invalid cases put where a valid value would go.
import type { SeededRandom } from "./random.ts";

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
};

/** Ids seen in earlier answers (tenants, sessions, users…), so valid path params sometimes exist. */
export type IdPool = Set<string>;

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Strings that are not what any field expects: control and format characters, NUL, lone surrogates. */
export const ODD_STRINGS = [
  "\u0000",
  "nul\u0000inside",
  "\ud800",
  "lone \udfff low",
  "\u202eevil\u202c rtl",
  "zero\u200bwidth\ufeff",
  "e\u0301\u0301\u0301 combining",
  "🦀\u{10ffff}",
  "\r\n\t\u0085\u2028",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "%00%ZZ",
  "$" + "{jndi:ldap://x}",
] as const;

function letters(random: SeededRandom, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += LETTERS[random.int(0, 25)];
  return out;
}

function matches(pattern: string | undefined, value: string): boolean {
  if (!pattern) return true;
  try {
    return new RegExp(pattern, "u").test(value);
  } catch {
    return true;
  }
}

/** A string of the schema's length that matches its pattern when a simple candidate does. */
function validString(schema: JsonSchema, random: SeededRandom, ids: IdPool): string {
  if (schema.format === "uuid") return ids.size > 0 && random.chance(0.4) ? random.pick([...ids]) : random.uuid();
  if (schema.format === "email") return `fuzz-${random.hex(8)}@example.com`;
  if (schema.format === "date-time")
    return new Date(Date.UTC(2026, random.int(0, 11), random.int(1, 28))).toISOString();
  if (schema.format === "uri" || schema.format === "url") return `https://example.com/${letters(random, 6)}`;
  const min = schema.minLength ?? 1;
  const max = Math.min(schema.maxLength ?? min + 24, min + 24);
  const length = random.int(min, Math.max(min, max));
  const candidates = [
    letters(random, length),
    `${letters(random, 1)}${random.hex(Math.max(0, length - 1))}`,
    String(random.int(10 ** Math.max(0, min - 1), 10 ** Math.max(1, Math.min(length, 9)) - 1)),
    `${letters(random, 3)}_${letters(random, 3)}`,
    `${letters(random, 3)}.${letters(random, 3)}`,
    `${letters(random, 3)}-${letters(random, 3)}`,
    random.uuid(),
  ];
  return candidates.find((value) => matches(schema.pattern, value)) ?? (candidates[0] as string);
}

function validNumber(schema: JsonSchema, random: SeededRandom, integer: boolean): number {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
  const max = schema.maximum ?? min + 100;
  return integer ? random.int(min, max) : min + random.next() * (max - min);
}

/** A value `schema` accepts (as far as simple generation can tell), drawing ids from `ids`. */
export function validValue(schema: JsonSchema, random: SeededRandom, ids: IdPool, depth = 0): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return random.pick(schema.enum);
  if (schema.$ref) return depth > 2 ? "value" : random.pick(["text", 42, true, null, { key: "value" }, ["a"]]);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return validValue(random.pick(union), random, ids, depth + 1);
  if (schema.allOf?.[0]) return validValue(schema.allOf[0], random, ids, depth + 1);
  const type = Array.isArray(schema.type) ? random.pick(schema.type) : schema.type;
  switch (type) {
    case "string":
      return validString(schema, random, ids);
    case "integer":
      return validNumber(schema, random, true);
    case "number":
      return validNumber(schema, random, false);
    case "boolean":
      return random.chance(0.5);
    case "null":
      return null;
    case "array": {
      const count = random.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, (schema.minItems ?? 0) + 3));
      return Array.from({ length: count }, () => validValue(schema.items ?? {}, random, ids, depth + 1));
    }
    default:
      if (type === "object" || schema.properties) return validObject(schema, random, ids, depth);
      return "value";
  }
}

function validObject(schema: JsonSchema, random: SeededRandom, ids: IdPool, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (required.has(key) || random.chance(0.5)) out[key] = validValue(property, random, ids, depth + 1);
  }
  if (!schema.properties && typeof schema.additionalProperties === "object" && depth < 3) {
    out[letters(random, 5)] = validValue(schema.additionalProperties, random, ids, depth + 1);
  }
  return out;
}

/** A value of another JSON type than `schema` asks for. */
export function wrongTypeValue(schema: JsonSchema, random: SeededRandom): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const others: Record<string, unknown[]> = {
    string: [42, true, null, ["x"], { x: 1 }, 1e308],
    integer: ["12", 1.5, true, null, [], -1e21],
    number: ["1", false, null, {}],
    boolean: ["true", 1, null, []],
    array: ["a", 1, { length: 1 }, null],
    object: ["{}", 1, [], true],
  };
  return random.pick(others[type ?? "object"] ?? others.object ?? []);
}
