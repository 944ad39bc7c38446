// Reads prisma/schema.prisma (through Prisma's own WASM parser) into the tables, columns, indexes,
// foreign keys and enums a migrated database must have.
import { readFile } from "node:fs/promises";
import { getDMMF } from "@prisma/get-dmmf";

export type ColumnShape = { type: string; notNull: boolean; default: string | null };
export type IndexShape = { kind: "primary" | "unique" | "index"; columns: string[] };
export type ForeignKeyShape = { columns: string[]; references: string; referencedColumns: string[]; onDelete: string };
export type TableShape = {
  columns: Map<string, ColumnShape>;
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
};
export type DatabaseShape = { tables: Map<string, TableShape>; enums: Map<string, string[]> };

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
  Float: "double precision",
  Decimal: "numeric(65,30)",
};

function nativeTypeName(name: string, args: string[]): string {
  const simple: Record<string, string> = {
    Uuid: "uuid",
    Text: "text",
    Inet: "inet",
    Citext: "citext",
    SmallInt: "smallint",
    Integer: "integer",
    BigInt: "bigint",
    Boolean: "boolean",
    Date: "date",
    JsonB: "jsonb",
    Json: "json",
    ByteA: "bytea",
    Real: "real",
    DoublePrecision: "double precision",
  };
  if (simple[name]) return simple[name];
  const suffix = args.length > 0 ? `(${args.join(",")})` : "";
  if (name === "Timestamptz") return `timestamp${suffix || "(3)"} with time zone`;
  if (name === "Timestamp") return `timestamp${suffix || "(3)"} without time zone`;
  if (name === "VarChar") return `character varying${suffix}`;
  if (name === "Char") return `character${suffix}`;
  if (name === "Decimal") return `numeric${suffix}`;
  return name.toLowerCase() + suffix;
}

// Defaults the database holds; uuid()/cuid()/@updatedAt are filled in by Prisma Client, not SQL.
function expectedDefault(field: FieldLike): string | null {
  const value = field.default;
  if (value === undefined || value === null) return null;
  if (typeof value === "object" && !Array.isArray(value)) {
    const fn = value as { name: string; args: unknown[] };
    if (fn.name === "now") return "CURRENT_TIMESTAMP";
    if (fn.name === "autoincrement") return "nextval()";
    if (fn.name === "dbgenerated") return String(fn.args[0] ?? "");
    return null;
  }
  return String(value);
}

type FieldLike = {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: readonly string[];
  relationToFields?: readonly string[];
  relationOnDelete?: string;
};

const ON_DELETE: Record<string, string> = {
  Cascade: "CASCADE",
  SetNull: "SET NULL",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetDefault: "SET DEFAULT",
};

/** Parses the Prisma schema at `schemaPath` into the database shape it declares. */
export async function readSchemaExpectations(schemaPath: string): Promise<DatabaseShape> {
  const dmmf = getDMMF({ datamodel: await readFile(schemaPath, "utf8") });
  if ("type" in dmmf) throw new Error(`cannot read ${schemaPath}: ${dmmf.reason}`);
  const { models, enums, indexes } = dmmf.datamodel;
  const tableOf = new Map(models.map((model) => [model.name, model.dbName ?? model.name]));
  const enumOf = new Map(enums.map((e) => [e.name, e.dbName ?? e.name]));
  const tables = new Map<string, TableShape>();

  for (const model of models) {
    const fields = model.fields as unknown as FieldLike[];
    const columnOf = (name: string) => {
      const field = fields.find((f) => f.name === name);
      return field?.dbName ?? name;
    };
    const columns = new Map<string, ColumnShape>();
    const foreignKeys: ForeignKeyShape[] = [];
    for (const field of fields) {
      if (field.kind === "object") {
        const from = field.relationFromFields ?? [];
        if (from.length === 0) continue;
        const target = models.find((m) => m.name === field.type);
        const targetColumn = (name: string) => {
          const f = (target?.fields as unknown as FieldLike[] | undefined)?.find((x) => x.name === name);
          return f?.dbName ?? name;
        };
        const onDelete = field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull");
        foreignKeys.push({
          columns: from.map(columnOf),
          references: tableOf.get(field.type) ?? field.type,
          referencedColumns: (field.relationToFields ?? []).map(targetColumn),
          onDelete: ON_DELETE[String(onDelete)] ?? String(onDelete),
        });
        continue;
      }
      const base =
        field.kind === "enum"
          ? (enumOf.get(field.type) ?? field.type)
          : field.nativeType
            ? nativeTypeName(field.nativeType[0], field.nativeType[1])
            : (SCALAR_TYPES[field.type] ?? field.type);
      columns.set(field.dbName ?? field.name, {
        type: field.isList ? `${base}[]` : base,
        // Prisma creates scalar lists as nullable arrays (`TEXT[]`), whatever the schema says.
        notNull: field.isList ? false : field.isRequired,
        default: expectedDefault(field),
      });
    }
    const modelIndexes: IndexShape[] = indexes
      .filter((index) => index.model === model.name)
      .map((index) => ({
        kind: index.type === "id" ? "primary" : index.type === "unique" ? "unique" : "index",
        columns: index.fields.map((f) => columnOf(f.name)),
      }));
    tables.set(model.dbName ?? model.name, { columns, indexes: modelIndexes, foreignKeys });
  }

  return {
    tables,
    enums: new Map(enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)])),
  };
}
