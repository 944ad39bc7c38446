// Starts the gateway exactly as `npm run dev` serves it (embedded PostgreSQL, migrations, relay,
// wrangler dev, demo origin) on free ports with its own data dir, once for all browser test files; and a
// local OpenID provider (oidc-provider, with HTML login and consent pages) configured as a social provider.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import chromium from "@sparticuz/chromium";
import type { TestProject } from "vitest/node";
import { type DevProcess, spawnDev, waitForGateway } from "../../scripts/lib/dev-process.ts";
import { findFreePort } from "../../scripts/lib/free-port.ts";
import { LOCAL_DATABASE_NAME } from "../../scripts/lib/local-database.ts";
import { loadOrCreateDevSecrets } from "../../scripts/lib/secrets.ts";
import { startOidcProvider } from "../providers/oidc-provider.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** `http://localhost:<port>`: WebAuthn and the development cookies need `localhost`, not an IP. */
    baseUrl: string;
    /** The Chromium binary from @sparticuz/chromium, decompressed once here for every file. */
    chromiumPath: string;
    /** The gateway's SIGNING_KEYS, made here, so a test can age a session's access cookie (helpers/session-age.ts). */
    signingKeys: string;
    /** The development database's URL (set-up only, e.g. granting PLATFORM_ADMIN: helpers/database.ts). */
    databaseUrl: string;
    /** The OAUTH_PROVIDERS entry of the local OpenID provider: its id and the name its button shows. */
    oauthProvider: { id: string; displayName: string };
  }
}

/** The onboarding the browser tests' gateway runs: a form step, then a step that needs a verified email. */
export const BROWSER_ONBOARDING_STEPS = [
  { key: "about", title: "About you", fields: [{ name: "company", label: "Company", required: true }] },
  { key: "welcome", title: "Welcome", requires: "email" },
];

/** The local OpenID provider's OAUTH_PROVIDERS entry. */
const OAUTH_PROVIDER = { id: "test-op", displayName: "Test OP", clientId: "portcullis-browser" };

const STARTUP_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

async function stop(dev: DevProcess): Promise<void> {
  if (dev.child.exitCode !== null) return;
  // scripts/dev.ts stops wrangler, the relay, the demo and PostgreSQL in order on SIGTERM.
  dev.child.kill("SIGTERM");
  const stopped = await Promise.race([dev.exited.then(() => true), delay(STOP_TIMEOUT_MS).then(() => false)]);
  if (!stopped) dev.child.kill("SIGKILL");
}

// Unref'd: a pending wait must not keep vitest alive once the gateway has stopped.
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export default async function setup(project: TestProject) {
  const startedAt = Date.now();
  const dataDir = await mkdtemp(join(tmpdir(), "portcullis-browser-"));
  // As root, PostgreSQL runs as `postgres`, which must be able to reach its data dir.
  await chmod(dataDir, 0o755);
  const [port, postgresPort] = await Promise.all([findFreePort(), findFreePort()]);
  const baseUrl = `http://localhost:${port}`;
  // Made here, where `npm run dev` keeps them, so the tests also know the signing keys.
  const { secrets } = await loadOrCreateDevSecrets(join(dataDir, "dev-secrets.json"));
  const clientSecret = randomBytes(24).toString("base64url");
  const provider = await startOidcProvider({
    clientId: OAUTH_PROVIDER.clientId,
    clientSecret,
    redirectUris: [`${baseUrl}/auth/oauth/${OAUTH_PROVIDER.id}/callback`],
  });
  const oauthProviders = [
    {
      id: OAUTH_PROVIDER.id,
      type: "oidc",
      displayName: OAUTH_PROVIDER.displayName,
      clientId: OAUTH_PROVIDER.clientId,
      clientSecretBinding: "TEST_OP_CLIENT_SECRET",
      issuer: provider.url,
    },
  ];
  const dev = spawnDev({
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_PG_PORT: String(postgresPort),
    PORT: String(port),
    ISSUER: baseUrl,
    // The demo origin and its routes, as a newcomer's `npm run dev` has them.
    GATEWAY_ROUTES: "",
    OAUTH_PROVIDERS: JSON.stringify(oauthProviders),
    TEST_OP_CLIENT_SECRET: clientSecret,
    // Issue 15: onboarding on, so the demo also has a requireOnboarding route (test/browser/onboarding.test.ts).
    ONBOARDING_STEPS: JSON.stringify(BROWSER_ONBOARDING_STEPS),
  });
  try {
    const [health, chromiumPath] = await Promise.all([
      waitForGateway(port, dev, STARTUP_TIMEOUT_MS),
      chromium.executablePath(),
    ]);
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}:\n${dev.output()}`);
    if (!dev.output().includes("demo app on")) throw new Error(`the demo origin did not start:\n${dev.output()}`);
    project.provide("baseUrl", baseUrl);
    project.provide("chromiumPath", chromiumPath);
    project.provide("signingKeys", secrets.SIGNING_KEYS);
    project.provide("databaseUrl", `postgres://postgres:postgres@127.0.0.1:${postgresPort}/${LOCAL_DATABASE_NAME}`);
    project.provide("oauthProvider", { id: OAUTH_PROVIDER.id, displayName: OAUTH_PROVIDER.displayName });
  } catch (error) {
    await stop(dev);
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  console.log(`[browser] gateway up on ${baseUrl} in ${Date.now() - startedAt} ms`);

  return async () => {
    const stoppingAt = Date.now();
    await stop(dev);
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
    console.log(`[browser] gateway stopped in ${Date.now() - stoppingAt} ms`);
  };
}
