// Starts the gateway exactly as `npm run dev` serves it (embedded PostgreSQL, migrations, relay,
// wrangler dev, demo origin) on free ports with its own data dir, once for all browser test files.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import chromium from "@sparticuz/chromium";
import type { TestProject } from "vitest/node";
import { type DevProcess, spawnDev, waitForGateway } from "../../scripts/lib/dev-process.ts";
import { findFreePort } from "../../scripts/lib/free-port.ts";
import { loadOrCreateDevSecrets } from "../../scripts/lib/secrets.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** `http://localhost:<port>`: WebAuthn and the development cookies need `localhost`, not an IP. */
    baseUrl: string;
    /** The Chromium binary from @sparticuz/chromium, decompressed once here for every file. */
    chromiumPath: string;
    /** The gateway's SIGNING_KEYS, made here, so a test can age a session's access cookie (helpers/session-age.ts). */
    signingKeys: string;
  }
}

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
  const dev = spawnDev({
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_PG_PORT: String(postgresPort),
    PORT: String(port),
    ISSUER: baseUrl,
    // The demo origin and its routes, as a newcomer's `npm run dev` has them.
    GATEWAY_ROUTES: "",
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
  } catch (error) {
    await stop(dev);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  console.log(`[browser] gateway up on ${baseUrl} in ${Date.now() - startedAt} ms`);

  return async () => {
    const stoppingAt = Date.now();
    await stop(dev);
    await rm(dataDir, { recursive: true, force: true });
    console.log(`[browser] gateway stopped in ${Date.now() - stoppingAt} ms`);
  };
}
