// Compares what schema.prisma declares with what a migrated database holds, as a readable list.
import type pg from "pg";
import type { DatabaseShape, ForeignKeyShape, IndexShape } from "./schema-expectations.ts";
import { readSchemaExpectations } from "./schema-expectations.ts";
import { inspectDatabase } from "./schema-inspection.ts";

const describeIndex = (index: IndexShape) => `${index.kind} (${index.columns.join(", ")})`;
const describeForeignKey = (fk: ForeignKeyShape) =>
  `foreign key (${fk.columns.join(", ")}) → ${fk.references}(${fk.referencedColumns.join(", ")}) ON DELETE ${fk.onDelete}`;

function diffLists<T>(where: string, expected: T[], actual: T[], describe: (item: T) => string): string[] {
  const want = new Set(expected.map(describe));
  const have = new Set(actual.map(describe));
  return [
    ...[...want].filter((d) => !have.has(d)).map((d) => `${where}: ${d} is missing`),
    ...[...have].filter((d) => !want.has(d)).map((d) => `${where}: ${d} is not in schema.prisma`),
  ];
}

/** Every difference between two database shapes, one human-readable line each. */
export function compareShapes(expected: DatabaseShape, actual: DatabaseShape): string[] {
  const differences: string[] = [];
  for (const [name, want] of expected.tables) {
    const have = actual.tables.get(name);
    if (!have) {
      differences.push(`table ${name} is missing`);
      continue;
    }
    for (const [column, shape] of want.columns) {
      const found = have.columns.get(column);
      if (!found) {
        differences.push(`table ${name}: column ${column} is missing`);
        continue;
      }
      if (found.type !== shape.type)
        differences.push(`table ${name}: column ${column} has type ${found.type}, schema says ${shape.type}`);
      if (found.notNull !== shape.notNull)
        differences.push(
          `table ${name}: column ${column} is ${found.notNull ? "NOT NULL" : "nullable"}, schema says ${shape.notNull ? "NOT NULL" : "nullable"}`,
        );
      if (found.default !== shape.default)
        differences.push(
          `table ${name}: column ${column} has default ${found.default ?? "none"}, schema says ${shape.default ?? "none"}`,
        );
    }
    for (const column of have.columns.keys()) {
      if (!want.columns.has(column)) differences.push(`table ${name}: column ${column} is not in schema.prisma`);
    }
    differences.push(...diffLists(`table ${name}`, want.indexes, have.indexes, describeIndex));
    differences.push(...diffLists(`table ${name}`, want.foreignKeys, have.foreignKeys, describeForeignKey));
  }
  for (const name of actual.tables.keys()) {
    if (!expected.tables.has(name)) differences.push(`table ${name} is not in schema.prisma`);
  }
  for (const [name, values] of expected.enums) {
    const found = actual.enums.get(name);
    if (!found) differences.push(`enum ${name} is missing`);
    else if (found.join(",") !== values.join(","))
      differences.push(`enum ${name} has values ${found.join(", ")}, schema says ${values.join(", ")}`);
  }
  for (const name of actual.enums.keys()) {
    if (!expected.enums.has(name)) differences.push(`enum ${name} is not in schema.prisma`);
  }
  return differences;
}

/** The differences between `schemaPath` and the database `client` is connected to; empty when none. */
export async function findSchemaDrift(client: pg.Client, schemaPath: string): Promise<string[]> {
  const [expected, actual] = await Promise.all([readSchemaExpectations(schemaPath), inspectDatabase(client)]);
  return compareShapes(expected, actual);
}
