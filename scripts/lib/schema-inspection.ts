// Reads the public schema of a live PostgreSQL database into the same shape schema-expectations.ts builds.
import type pg from "pg";
import type { DatabaseShape, IndexShape, TableShape } from "./schema-expectations.ts";

const IGNORED_TABLES = new Set(["_prisma_migrations"]);
const CONFDELTYPE: Record<string, string> = {
  a: "NO ACTION",
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

// pg_get_expr renders literal defaults with a cast ('{}'::jsonb, 'ACTIVE'::"Status"); Prisma's DMMF
// holds the bare value, so both sides are compared without quotes and casts.
function normalizeDefault(expression: string | null): string | null {
  if (expression === null) return null;
  if (expression.startsWith("nextval(")) return "nextval()";
  const literal = /^'((?:[^']|'')*)'::[\w" .()[\]]+$/.exec(expression);
  if (literal?.[1] !== undefined) return literal[1].replaceAll("''", "'");
  return expression;
}

/** Inspects the `public` schema (tables, columns, indexes, foreign keys, enums). */
export async function inspectDatabase(client: pg.Client): Promise<DatabaseShape> {
  const tables = new Map<string, TableShape>();
  const table = (name: string) => {
    let shape = tables.get(name);
    if (!shape) {
      shape = { columns: new Map(), indexes: [], foreignKeys: [] };
      tables.set(name, shape);
    }
    return shape;
  };

  const tableRows = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')`,
  );
  for (const row of tableRows.rows) if (!IGNORED_TABLES.has(row.name)) table(row.name);

  const columnRows = await client.query<{
    table: string;
    name: string;
    type: string;
    not_null: boolean;
    def: string | null;
  }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS def
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
  );
  for (const row of columnRows.rows) {
    if (IGNORED_TABLES.has(row.table)) continue;
    table(row.table).columns.set(row.name, {
      type: row.type.replaceAll('"', ""),
      notNull: row.not_null,
      default: normalizeDefault(row.def),
    });
  }

  const indexRows = await client.query<{ table: string; is_primary: boolean; is_unique: boolean; columns: string[] }>(
    `SELECT t.relname AS table, i.indisprimary AS is_primary, i.indisunique AS is_unique,
            array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
     FROM pg_index i
     JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public'`,
  );
  for (const row of indexRows.rows) {
    if (IGNORED_TABLES.has(row.table)) continue;
    const kind: IndexShape["kind"] = row.is_primary ? "primary" : row.is_unique ? "unique" : "index";
    table(row.table).indexes.push({ kind, columns: row.columns });
  }

  const fkRows = await client.query<{
    table: string;
    columns: string[];
    references: string;
    referenced: string[];
    del: string;
  }>(
    `SELECT t.relname AS table, r.relname AS references, con.confdeltype AS del,
            array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
            array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS referenced
     FROM pg_constraint con
     JOIN pg_class t ON t.oid = con.conrelid
     JOIN pg_class r ON r.oid = con.confrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND con.contype = 'f'`,
  );
  for (const row of fkRows.rows) {
    table(row.table).foreignKeys.push({
      columns: row.columns,
      references: row.references,
      referencedColumns: row.referenced,
      onDelete: CONFDELTYPE[row.del] ?? row.del,
    });
  }

  const enumRows = await client.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  const enums = new Map(enumRows.rows.map((row) => [row.name, row.values]));
  return { tables, enums };
}
