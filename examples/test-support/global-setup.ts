// Starts the example origins and, in front of them, the gateway exactly as `npm run dev` serves it
// (embedded PostgreSQL, migrations, relay, wrangler dev), once for every examples test file.
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildClientPackageIfStale, buildOriginPackageIfStale } from "../../scripts/build-origin.ts";
import { type DevProcess, spawnDev, waitForGateway } from "../../scripts/lib/dev-process.ts";
import { findFreePort } from "../../scripts/lib/free-port.ts";
import { paths } from "../../scripts/lib/paths.ts";
import { type DemoServer, startDemoServer } from "../demo/server.ts";
import { commandFor, DEMO_ORIGIN, EXAMPLE_ORIGINS, type ExampleName, exampleRouteTable } from "./example-origins.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>`: the gateway the examples sit behind. */
    exampleGatewayUrl: string;
    /** Each example origin's own URL, to reach it directly (bypassing the gateway). */
    exampleOriginUrls: Record<ExampleName, string>;
    /** The demo origin's own URL. */
    exampleDemoUrl: string;
  }
}

const STARTUP_TIMEOUT_MS = 120_000;
const ORIGIN_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 20_000;

// Unref'd: a pending wait must not keep vitest alive once everything has stopped.
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Resolves once `child` prints its "listening on" line; rejects when it exits first or takes too long. */
function waitForListening(name: string, child: ChildProcess): Promise<void> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start in ${ORIGIN_TIMEOUT_MS} ms:\n${output}`)),
      ORIGIN_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on http:\/\//.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  const stopped = await Promise.race([exited.then(() => true), delay(STOP_TIMEOUT_MS).then(() => false)]);
  if (!stopped) child.kill("SIGKILL");
}

export default async function setup(project: TestProject) {
  const startedAt = Date.now();
  // The examples and their tests import @portcullis/origin and @portcullis/client by name: their dist/.
  buildOriginPackageIfStale();
  buildClientPackageIfStale();
  const dataDir = await mkdtemp(join(tmpdir(), "portcullis-examples-"));
  // As root, PostgreSQL runs as `postgres`, which must be able to reach its data dir.
  await chmod(dataDir, 0o755);
  const [port, postgresPort, ...originPorts] = (await Promise.all(
    Array.from({ length: 2 + EXAMPLE_ORIGINS.length }, () => findFreePort()),
  )) as [number, number, ...number[]];
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const issuer = `http://localhost:${port}`;
  const jwksUrl = `${gatewayUrl}/.well-known/jwks.json`;
  const originUrls = Object.fromEntries(
    EXAMPLE_ORIGINS.map((example, index) => [example.name, `http://127.0.0.1:${originPorts[index]}`]),
  ) as Record<ExampleName, string>;

  const children: ChildProcess[] = [];
  let demo: DemoServer | undefined;
  let dev: DevProcess | undefined;
  const stopAll = async () => {
    if (dev) await stopChild(dev.child);
    await Promise.all(children.map((child) => stopChild(child)));
    await demo?.close();
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const started = EXAMPLE_ORIGINS.map((example, index) => {
      const { command, args } = commandFor(example.name);
      const child = spawn(command, args, {
        cwd: paths.root,
        env: {
          ...process.env,
          PORTCULLIS_JWKS_URL: jwksUrl,
          PORTCULLIS_ISSUER: issuer,
          PORTCULLIS_AUDIENCE: example.audience,
          PORT: String(originPorts[index]),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      return waitForListening(example.name, child);
    });
    demo = await startDemoServer({
      jwksUrl,
      issuer,
      audience: DEMO_ORIGIN.audience,
      securePath: `${DEMO_ORIGIN.pathPrefix}/secure`,
    });
    dev = spawnDev({
      PORTCULLIS_DATA_DIR: dataDir,
      PORTCULLIS_PG_PORT: String(postgresPort),
      PORT: String(port),
      ISSUER: issuer,
      // A test signs up over the API and is signed in at once; the verification flow has its own tests.
      REQUIRE_EMAIL_VERIFICATION: "false",
      GATEWAY_ROUTES: JSON.stringify(exampleRouteTable(originUrls, demo.url)),
    });
    const [health] = await Promise.all([waitForGateway(port, dev, STARTUP_TIMEOUT_MS), ...started]);
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}:\n${dev.output()}`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  project.provide("exampleGatewayUrl", gatewayUrl);
  project.provide("exampleOriginUrls", originUrls);
  project.provide("exampleDemoUrl", demo.url);
  console.log(`[examples] gateway and ${EXAMPLE_ORIGINS.length} example origins up in ${Date.now() - startedAt} ms`);

  return async () => {
    await stopAll();
  };
}
