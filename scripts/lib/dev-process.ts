// Starts `npm run dev`'s orchestrator as a child process and waits for its gateway (tests and benchmarks).
import { type ChildProcess, spawn } from "node:child_process";
import { paths } from "./paths.ts";

export type DevProcess = {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output: () => string;
  exited: Promise<number | null>;
};

/**
 * Spawns scripts/dev.ts of the checkout at `root` (this one unless given) with `env` on top of this
 * process's environment, minus DATABASE_URL.
 */
export function spawnDev(env: Record<string, string>, root = paths.root): DevProcess {
  const { DATABASE_URL: _external, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/dev.ts"], {
    cwd: root,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls GET /healthz until it answers (any status), failing early if the process exits. */
export async function waitForGateway(port: number, dev: DevProcess, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (dev.child.exitCode !== null) throw new Error(`dev exited early:\n${dev.output()}`);
    const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (response) return response;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no answer on port ${port} within ${timeoutMs} ms:\n${dev.output()}`);
}
