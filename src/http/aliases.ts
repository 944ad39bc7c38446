// Alternative spellings of input fields (snake_case as OIDC and our issue texts write them), folded
// into the canonical camelCase name before a strict schema sees the object.
import { z } from "zod";

/**
 * Wraps an object schema so that each alias key is renamed to its canonical key. When both are
 * given, the alias is left in place and the strict schema refuses it as an unknown field.
 */
export function withAliases<Schema extends z.ZodType>(aliases: Readonly<Record<string, string>>, schema: Schema) {
  return z.preprocess((value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const renamed: Record<string, unknown> = { ...value };
    for (const [alias, canonical] of Object.entries(aliases)) {
      if (Object.hasOwn(renamed, alias) && !Object.hasOwn(renamed, canonical)) {
        renamed[canonical] = renamed[alias];
        delete renamed[alias];
      }
    }
    return renamed;
  }, schema);
}
