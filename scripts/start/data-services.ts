import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { EmbeddedPostgresSetupError, startEmbeddedPostgres } from "../services/embedded-postgres";
import { redisServerAvailable, startRedisServer } from "../services/redis-server";
import { StartError } from "./errors";
import { OutputTail } from "./output-tail";
import { exitPromise, type Service } from "./service";

/** The database `npm start` creates on the embedded cluster for the app. */
export const APP_DATABASE = "bytelab";

export interface StartedDataService {
  service: Service;
  url: string;
  /** Where the data is (embedded Postgres as root may keep it elsewhere: see startEmbeddedPostgres). */
  dataDir?: string;
}

/**
 * Embedded Postgres with its data in `dataDir` (initialised on first start, reused afterwards), in its own
 * process group, plus the `bytelab` database. Returns the app's DATABASE_URL.
 */
export async function startPostgres(
  dataDir: string,
  port: number,
  logFile: string,
): Promise<StartedDataService> {
  if (existsSync(dataDir) && !existsSync(join(dataDir, "PG_VERSION")) && readdirSync(dataDir).length > 0) {
    throw new StartError(
      `${dataDir} is neither empty nor a Postgres data folder (a first start was interrupted?).`,
      `delete that folder and run again (it holds no data yet): rm -rf ${dataDir}`,
    );
  }
  const output = new OutputTail(logFile, null);
  if (process.getuid?.() === 0) {
    // Postgres runs as the `postgres` OS user, which must be able to pass through BYTELAB_HOME.
    const home = join(dataDir, "..");
    mkdirSync(home, { recursive: true });
    const mode = statSync(home).mode;
    if ((mode & 0o001) === 0) chmodSync(home, (mode & 0o7777) | 0o001);
  }
  const handle = await startEmbeddedPostgres({
    dataDir,
    port,
    persistent: true,
    ownProcessGroup: true,
    onLog: (text) => output.write(text.endsWith("\n") ? text : `${text}\n`),
  }).catch((error: unknown) => {
    if (error instanceof EmbeddedPostgresSetupError) throw new StartError(error.message);
    throw new StartError(
      `embedded Postgres did not start: ${error instanceof Error ? error.message : String(error)}`,
      `see ${logFile}`,
    );
  });
  if (!handle.process || handle.pid === null)
    throw new Error("embedded Postgres started without a process handle");
  await ensureDatabase(handle.adminUrl, APP_DATABASE);
  return {
    url: handle.urlFor(APP_DATABASE),
    dataDir: handle.dataDir,
    service: {
      name: "postgres",
      pid: handle.pid,
      exited: exitPromise(handle.process),
      output,
      stop: handle.stop,
    },
  };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** `redis-server` with append-only persistence in `dataDir`, in its own process group. */
export async function startRedis(
  binary: string,
  dataDir: string,
  port: number,
  logFile: string,
): Promise<StartedDataService> {
  const output = new OutputTail(logFile, null);
  const handle = await startRedisServer({ port, dataDir, binary, detached: true, logFile }).catch(
    (error: unknown) => {
      throw new StartError(
        `redis-server did not start: ${error instanceof Error ? error.message : String(error)}`,
        `see ${logFile}`,
      );
    },
  );
  if (handle.pid === null) throw new Error("redis-server started without a pid");
  return {
    url: handle.url,
    service: {
      name: "redis",
      pid: handle.pid,
      exited: exitPromise(handle.process),
      output,
      stop: handle.stop,
    },
  };
}

export { redisServerAvailable };
