// Starts a throwaway embedded PostgreSQL, migrates a template database and starts the relay for the
// whole test run; tears everything down afterwards, also when tests fail.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildClientScript } from "../scripts/build-client.ts";
import { buildClientPackageIfStale, buildOriginPackageIfStale } from "../scripts/build-origin.ts";
import { ensureDatabase, withClient, withDatabase } from "../scripts/lib/databases.ts";
import { findFreePort } from "../scripts/lib/free-port.ts";
import { migrate } from "../scripts/lib/migrate.ts";
import { paths } from "../scripts/lib/paths.ts";
import { startLocalPostgres } from "../scripts/lib/postgres.ts";
import { startRelay } from "../scripts/lib/relay.ts";
import { generateGatewaySecrets } from "../scripts/lib/secrets.ts";
import { seedDatabase } from "../scripts/lib/seed.ts";
import { startOriginServer } from "./origin-server.ts";
import { startFederatedKeyServer } from "./providers/federated-keys.ts";
import { type LocalProviders, startLocalProviders } from "./providers/index.ts";

export const TEMPLATE_DATABASE = "portcullis_template";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the `postgres` maintenance database (create/drop databases). */
    pgAdminUrl: string;
    /** Name of the migrated database every test database is cloned from. */
    templateDatabase: string;
    /** A migrated database the Worker's default bindings point at. */
    sharedDatabaseUrl: string;
    /** A database URL whose port has nothing listening (the relay allows it, TCP fails). */
    unreachableDatabaseUrl: string;
    /** `127.0.0.1:<port>` of the WebSocket→TCP relay. */
    relayAddress: string;
    /** Fresh secrets for this run (JWK set and AUTH_SECRET). */
    signingKeys: string;
    authSecret: string;
    /** The test origin behind the gateway, and an origin URL nothing listens on. */
    originUrl: string;
    deadOriginUrl: string;
    /** The federated issuers' key server (test/providers/federated-keys.ts). */
    federatedKeyServerUrl: string;
    /** JSON: each preset's initial signing key, `{ [preset]: { kid, privateJwk } }`, for minting ID tokens. */
    federatedSigningKeys: string;
    /** Base URLs of the local social providers (test/providers), for OAUTH_PROVIDERS. */
    oauthProviderUrls: LocalProviders["urls"];
    /** Their secrets, by the binding names the OAUTH_PROVIDERS entries give. */
    oauthSecretBindings: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  // The pages' passkey script, rebuilt so tests serve what src/ui/client holds now.
  await buildClientScript();
  // The Worker and the examples import @portcullis/origin's dist/, the examples @portcullis/client's:
  // each rebuilt when its src/ changed.
  buildOriginPackageIfStale();
  buildClientPackageIfStale();
  const root = await mkdtemp(join(tmpdir(), "portcullis-test-"));
  // As root, PostgreSQL runs as `postgres`, which must be able to reach its data dir.
  await chmod(root, 0o755);
  const [pgPort, deadPort] = await Promise.all([findFreePort(), findFreePort()]);
  // A throwaway cluster: no waiting on the disk at every commit and database clone (crash safety is moot).
  const postgres = await startLocalPostgres({
    dataDir: join(root, "pg"),
    port: pgPort,
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
  });
  const adminUrl = postgres.urlFor("postgres");
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  try {
    await ensureDatabase(adminUrl, TEMPLATE_DATABASE);
    await withClient(postgres.urlFor(TEMPLATE_DATABASE), async (client) => {
      await migrate(client, paths.migrations);
      await seedDatabase(client);
    });
    await ensureDatabase(adminUrl, "portcullis_shared", TEMPLATE_DATABASE);
    relay = await startRelay({ port: 0, allowedTargets: [`127.0.0.1:${pgPort}`, `127.0.0.1:${deadPort}`] });
  } catch (error) {
    await postgres.stop();
    await rm(root, { recursive: true, force: true });
    throw error;
  }

  project.provide("pgAdminUrl", adminUrl);
  project.provide("templateDatabase", TEMPLATE_DATABASE);
  project.provide("sharedDatabaseUrl", postgres.urlFor("portcullis_shared"));
  project.provide("unreachableDatabaseUrl", withDatabase(adminUrl.replace(`:${pgPort}/`, `:${deadPort}/`), "postgres"));
  project.provide("relayAddress", relay.address);
  const secrets = await generateGatewaySecrets();
  project.provide("signingKeys", secrets.SIGNING_KEYS);
  project.provide("authSecret", secrets.AUTH_SECRET);
  const origin = await startOriginServer(secrets.SIGNING_KEYS, "http://localhost");
  project.provide("originUrl", origin.url);
  project.provide("deadOriginUrl", `http://127.0.0.1:${deadPort}`);
  const federatedKeys = await startFederatedKeyServer();
  project.provide("federatedKeyServerUrl", federatedKeys.url);
  project.provide("federatedSigningKeys", JSON.stringify(federatedKeys.keys));
  const providers = await startLocalProviders();
  project.provide("oauthProviderUrls", providers.urls);
  project.provide("oauthSecretBindings", providers.secretBindings);

  return async () => {
    await providers.close();
    await origin.close();
    await federatedKeys.close();
    await relay?.close();
    await postgres.stop();
    await rm(root, { recursive: true, force: true });
  };
}
