// The bench's gateway: `npm run dev` spawned on free ports, and how long it took to answer 200 on /healthz.
import { type DevProcess, spawnDev, waitForGateway } from "../lib/dev-process.ts";
import { findFreePort } from "../lib/free-port.ts";

export type BenchGateway = { ms: number; dev: DevProcess; port: number; pgPort: number };

export async function stop(dev: DevProcess): Promise<void> {
  dev.child.kill("SIGINT");
  await dev.exited;
}

/**
 * Spawns the orchestrator on `dataDir` (with `env` on top; from the checkout at `root`, this one unless
 * given) and waits for the first 200 on /healthz.
 */
export async function timeToFirstOk(
  dataDir: string,
  env: Record<string, string> = {},
  root?: string,
): Promise<BenchGateway> {
  const [port, pgPort] = await Promise.all([findFreePort(), findFreePort()]);
  const started = performance.now();
  // Sign-ups in the benchmarks sign in at once: they measure sessions, not the verification mail.
  const dev = spawnDev(
    {
      PORTCULLIS_DATA_DIR: dataDir,
      PORT: String(port),
      PORTCULLIS_PG_PORT: String(pgPort),
      REQUIRE_EMAIL_VERIFICATION: "false",
      ...env,
    },
    root,
  );
  for (;;) {
    const response = await waitForGateway(port, dev);
    if (response.status === 200) break;
    if (performance.now() - started > 120_000) {
      await stop(dev);
      throw new Error("no 200 within 120 s");
    }
  }
  return { ms: performance.now() - started, dev, port, pgPort };
}
