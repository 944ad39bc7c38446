// `npm run dev`: embedded PostgreSQL → migrations → WebSocket relay → wrangler dev, stopped cleanly on Ctrl-C.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type pg from "pg";
import { buildClientScript } from "./build-client.ts";
import { buildOriginPackageIfStale } from "./build-origin.ts";
import { ensureDatabase, withClient } from "./lib/databases.ts";
import { type DemoOrigin, hasConfiguredRoutes, startDemoOrigin } from "./lib/demo-origin.ts";
import { isLoopbackDatabase, readDevSettings, STATEMENT_TRACKING_SETTINGS } from "./lib/dev-settings.ts";
import { findFreePort } from "./lib/free-port.ts";
import { identitySettingNames } from "./lib/identity-settings.ts";
import { LOCAL_DATABASE_NAME } from "./lib/local-database.ts";
import { MigrationError, migrate } from "./lib/migrate.ts";
import { paths } from "./lib/paths.ts";
import { type LocalPostgres, PostgresStartError, startLocalPostgres } from "./lib/postgres.ts";
import { type Relay, startRelay } from "./lib/relay.ts";
import { assertDevRouteTable, RouteTableSourceError } from "./lib/route-table-source.ts";
import { loadOrCreateDevSecrets } from "./lib/secrets.ts";
import { parseSeedRoles, seedDatabase } from "./lib/seed.ts";

const say = (message: string) => console.log(`[dev] ${message}`);

let postgres: LocalPostgres | undefined;
let relay: Relay | undefined;
let wrangler: ChildProcess | undefined;
let demo: DemoOrigin | undefined;
let stopping = false;

async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (wrangler && wrangler.exitCode === null) {
      const exited = new Promise((resolve) => wrangler?.once("exit", resolve));
      wrangler.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (wrangler.exitCode === null) wrangler.kill("SIGKILL");
    }
    await relay?.close();
    await demo?.close();
    if (postgres) {
      say("stopping PostgreSQL");
      await postgres.stop();
    }
  }
  process.exit(exitCode);
}

async function prepareDatabase(url: string, adminUrl: string | undefined): Promise<void> {
  if (adminUrl) await ensureDatabase(adminUrl, LOCAL_DATABASE_NAME);
  const result = await withClient(url, (client: pg.Client) => migrate(client, paths.migrations));
  say(result.applied.length ? `applied migrations: ${result.applied.join(", ")}` : "database is up to date");
  const seeded = await withClient(url, (client: pg.Client) =>
    seedDatabase(client, parseSeedRoles(process.env.SEED_ROLES)),
  );
  if (seeded.inserted.length) say(`seeded roles: ${seeded.inserted.join(", ")}`);
}

async function main(): Promise<void> {
  const settings = readDevSettings();
  assertDevRouteTable(); // before anything starts: a bad table is one clear line, not a gateway answering 500
  await buildClientScript();
  buildOriginPackageIfStale();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // Whatever else listens for these signals (and might call process.exit) would race our ordered
    // shutdown and orphan wrangler; this handler stops everything itself.
    process.removeAllListeners(signal);
    process.on(signal, () => void stopAll(0));
  }

  let databaseUrl = settings.databaseUrl;
  if (!databaseUrl) {
    say(`starting PostgreSQL on 127.0.0.1:${settings.postgresPort}`);
    postgres = await startLocalPostgres({
      dataDir: join(settings.dataDir, "postgres"),
      port: settings.postgresPort,
      ...(settings.trackStatements ? { settings: STATEMENT_TRACKING_SETTINGS } : {}),
    });
    say(`PostgreSQL is up (data in ${postgres.dataDir})`);
    databaseUrl = postgres.urlFor(LOCAL_DATABASE_NAME);
  }
  await prepareDatabase(databaseUrl, postgres?.urlFor("postgres"));

  const vars: string[] = [
    "ENVIRONMENT:development",
    `DATABASE_URL:${databaseUrl}`,
    `ISSUER:${process.env.ISSUER ?? `http://localhost:${settings.port}`}`,
    // As in production: a newcomer signs up, reads the code at /dev/mail, verifies, then signs in.
    `REQUIRE_EMAIL_VERIFICATION:${process.env.REQUIRE_EMAIL_VERIFICATION === "false" ? "false" : "true"}`,
  ];
  if (!process.env.SIGNING_KEYS || !process.env.AUTH_SECRET) {
    const file = join(settings.dataDir, "dev-secrets.json");
    const { secrets, created } = await loadOrCreateDevSecrets(file);
    if (created)
      say(`WARNING: generated development signing keys and AUTH_SECRET in ${file}; never use them in production`);
    vars.push(`SIGNING_KEYS:${secrets.SIGNING_KEYS}`, `AUTH_SECRET:${secrets.AUTH_SECRET}`);
  }
  if (isLoopbackDatabase(databaseUrl)) {
    const target = new URL(databaseUrl);
    relay = await startRelay({
      port: 0,
      allowedTargets: [`${target.hostname}:${target.port || 5432}`],
      recordTurns: settings.recordRelayTurns,
    });
    vars.push(`NEON_LOCAL_RELAY:${relay.address}`);
    say(`relay for the Neon driver on ws://${relay.address}`);
  }

  if (!hasConfiguredRoutes()) {
    const issuer = process.env.ISSUER ?? `http://localhost:${settings.port}`;
    demo = await startDemoOrigin({ port: settings.port, issuer, onboarding: Boolean(process.env.ONBOARDING_STEPS) });
    vars.push(`GATEWAY_ROUTES:${demo.routesJson}`);
  } else if (process.env.GATEWAY_ROUTES) {
    // wrangler passes no environment variable to the Worker by itself; wrangler.toml's [vars] it reads.
    vars.push(`GATEWAY_ROUTES:${process.env.GATEWAY_ROUTES}`);
  }

  // External identities: the settings, and the secrets the social entries name, handed over the same way.
  for (const name of identitySettingNames(process.env)) {
    const value = process.env[name];
    if (value) vars.push(`${name}:${value}`);
  }

  // Onboarding (issue 15) is handed over the same way.
  for (const name of ["ONBOARDING_STEPS", "ONBOARDING_URL"]) {
    const value = process.env[name];
    if (value) vars.push(`${name}:${value}`);
  }

  // A free inspector port of its own: wrangler's default (9229, then the next one) collides when several
  // stacks start at once (the test suite runs them in parallel).
  const inspectorPort = await findFreePort();
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(settings.port), "--inspector-port", String(inspectorPort)];
  args.push("--persist-to", join(settings.dataDir, "wrangler"), "--show-interactive-dev-session=false");
  for (const v of vars) args.push("--var", v);
  wrangler = spawn(join(paths.root, "node_modules/.bin/wrangler"), args, {
    cwd: paths.root,
    stdio: ["ignore", "inherit", "inherit"],
    // No network here: skip wrangler's metrics and its download of the `Request.cf` placeholder.
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  say(`gateway starting on http://localhost:${settings.port} (Ctrl-C stops everything)`);
  for (const line of demo?.lines ?? []) say(line);
  wrangler.once("exit", (code) => {
    if (!stopping) {
      say(`wrangler exited (${code ?? "signal"})`);
      void stopAll(code ?? 1);
    }
  });
}

main().catch(async (error: unknown) => {
  const expected =
    error instanceof PostgresStartError || error instanceof MigrationError || error instanceof RouteTableSourceError;
  console.error(`[dev] ${expected ? (error as Error).message : error instanceof Error ? error.stack : String(error)}`);
  await stopAll(1);
});
