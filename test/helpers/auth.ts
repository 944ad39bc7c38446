// Flow helpers: a per-file database and Worker, and users created through the real signup route.
import { TestClient } from "./client.ts";
import { createTestDatabase, sql } from "./database.ts";
import { type TestBindings, testEnv } from "./env.ts";
import { workerWith } from "./worker.ts";

export const STRONG_PASSWORD = "correct horse battery staple 42";

/** Overrides that turn the suite's cheap password hashing off: the Worker hashes as in production. */
export const PRODUCTION_PASSWORD_HASHING = { TEST_FAST_PASSWORD_HASHING: undefined };

export type ErrorBody = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };

export type AuthTestContext = {
  databaseUrl: string;
  client: (baseUrl?: string) => TestClient;
  worker: ReturnType<typeof workerWith>;
  sql: <Row extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<Row[]>;
  /** Row counts of the tables a bad request must not change. */
  snapshot: () => Promise<Record<string, number>>;
  /** Rows of `table` matching `where` (SQL with $1… for `params`). */
  count: (table: string, where?: string, params?: unknown[]) => Promise<number>;
};

const TABLES = [
  "users",
  "accounts",
  "sessions",
  "refresh_tokens",
  "audit_events",
  "auth_counters",
  "tenants",
  "memberships",
  "membership_roles",
  "platform_role_grants",
  "invitations",
];

/** A fresh database and a Worker bound to it, with `overrides` on top of the test bindings. */
export async function setUpAuthTest(
  overrides: Partial<Record<keyof TestBindings, unknown>> = {},
): Promise<AuthTestContext> {
  const databaseUrl = await createTestDatabase();
  const worker = workerWith({ DATABASE_URL: databaseUrl, ...overrides });
  const query = <Row extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    sql<Row>(databaseUrl, text, params);
  return {
    databaseUrl,
    worker,
    client: (baseUrl) => new TestClient(worker, baseUrl),
    sql: query,
    count: async (table, where = "true", params = []) =>
      (await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0]?.n ?? -1,
    snapshot: async () => {
      const counts: Record<string, number> = {};
      for (const table of TABLES) {
        const [row] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        counts[table] = row?.n ?? -1;
      }
      return counts;
    },
  };
}

/** The same database behind a Worker that hashes passwords at the production cost. */
export function withProductionHashing(ctx: AuthTestContext): AuthTestContext {
  const worker = workerWith({ ...ctx.worker.env, ...PRODUCTION_PASSWORD_HASHING });
  return { ...ctx, worker, client: (baseUrl) => new TestClient(worker, baseUrl) };
}

let counter = 0;
/** A unique email for this test run. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

/** Signs up through the API and returns the signed-in browser client. */
export async function signUpBrowser(
  ctx: AuthTestContext,
  email = uniqueEmail(),
  password = STRONG_PASSWORD,
): Promise<TestClient> {
  const client = ctx.client();
  const response = await client.request("/auth/signup", { json: { email, password } });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  return client;
}

export type ApiSession = { id: string; accessToken: string; refreshToken: string; accessTokenExpiresAt: string };

/** Signs up as an API client and returns the tokens from the body. */
export async function signUpApi(
  ctx: AuthTestContext,
  email = uniqueEmail(),
  password = STRONG_PASSWORD,
): Promise<ApiSession & { email: string }> {
  const response = await ctx
    .client()
    .request("/auth/signup", { json: { email, password, client: "api" }, origin: null });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { session: ApiSession };
  return { ...body.session, email };
}

/** The id of the user with `email`. */
export async function userIdOf(ctx: AuthTestContext, email: string): Promise<string> {
  const [row] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
  if (!row) throw new Error(`no user ${email}`);
  return row.id;
}

export { testEnv };
