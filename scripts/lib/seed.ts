// The database seed: the built-in role catalogue plus any operator roles in SEED_ROLES. Idempotent:
// every row is inserted with ON CONFLICT DO NOTHING, so a second run changes nothing.
import type pg from "pg";
import { z } from "zod";
import { BUILT_IN_ROLES, type CatalogueRole, ROLE_KEY_PATTERN } from "../../src/features/tenancy/role-catalogue.ts";

const operatorRoles = z.array(
  z.strictObject({
    key: z.string().regex(ROLE_KEY_PATTERN, "must be upper snake case, e.g. BILLING_ADMIN"),
    scope: z.enum(["PLATFORM", "TENANT"]),
    description: z.string().max(200).default(""),
  }),
);

/** Operator roles from SEED_ROLES (a JSON array of {key, scope, description}); throws naming the problem. */
export function parseSeedRoles(text: string | undefined): CatalogueRole[] {
  if (!text) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("SEED_ROLES is not valid JSON");
  }
  const parsed = operatorRoles.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new Error(`SEED_ROLES: ${problems.join("; ")}`);
  }
  return parsed.data;
}

export type SeedResult = { inserted: string[] };

/** Inserts the catalogue; returns the keys it added (none when the database was already seeded). */
export async function seedDatabase(client: pg.Client, extraRoles: readonly CatalogueRole[] = []): Promise<SeedResult> {
  const roles = [...BUILT_IN_ROLES, ...extraRoles];
  const result = await client.query<{ key: string }>(
    `INSERT INTO roles (key, scope, description)
     SELECT * FROM unnest($1::text[], $2::role_scope[], $3::text[])
     ON CONFLICT DO NOTHING
     RETURNING key`,
    [roles.map((role) => role.key), roles.map((role) => role.scope), roles.map((role) => role.description)],
  );
  return { inserted: result.rows.map((row) => row.key).sort() };
}
