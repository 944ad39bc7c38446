// The development database's fixed coordinates (embedded PostgreSQL under .data/postgres).

/** Port of the development PostgreSQL; away from 5432 so it never clashes with a system server. */
export function localPostgresPort(): number {
  return Number(process.env.PORTCULLIS_PG_PORT ?? 54329);
}

export const LOCAL_DATABASE_NAME = "portcullis";

export function localDatabaseUrl(): string {
  return `postgres://postgres:postgres@127.0.0.1:${localPostgresPort()}/${LOCAL_DATABASE_NAME}`;
}
