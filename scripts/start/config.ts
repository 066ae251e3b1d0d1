import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bytelabHome } from "@bytelab/data/env";
import { databaseUrlSchema } from "@bytelab/db/env";
import { redisUrlSchema } from "@bytelab/queue/env";
import { z } from "zod";
import { StartError } from "./errors";

/** The repository root (scripts/start -> ../..). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a TCP port number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be between 1 and 65535`)
    .max(65_535, `${name} must be between 1 and 65535`)
    .default(fallback);

const flag = z
  .enum(["", "0", "1", "true", "false"], { error: "use 1 or 0" })
  .default("")
  .transform((v) => v === "1" || v === "true");

/** Unset or empty: not given; else checked by the variable's one schema. */
const optionalUrl = (schema: z.ZodType<string, string>) =>
  z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(schema.optional())
    .optional();

/** Everything `npm start` reads from the environment, with its default and the reason for it. */
export const startEnvSchema = z.object({
  /** Where the embedded Postgres/Redis data, logs and the pidfile live. Kept across restarts. */
  BYTELAB_HOME: z.string().trim().optional(),
  /** Web app port (the URL printed at the end). */
  PORT: port("PORT", 3000),
  /** Interface the web app listens on; loopback by default, where the dashboard and API need no key (any other address requires API keys: BYTELAB_AUTH). */
  BYTELAB_HOST: z.string().trim().min(1).default("127.0.0.1"),
  /** Fixed default, so the same data folder is served on the same port every time. */
  BYTELAB_PG_PORT: port("BYTELAB_PG_PORT", 54_329),
  BYTELAB_REDIS_PORT: port("BYTELAB_REDIS_PORT", 56_379),
  BYTELAB_REDIS_BIN: z.string().trim().min(1).default("redis-server"),
  /** Use an existing Postgres instead of the embedded one. */
  DATABASE_URL: optionalUrl(databaseUrlSchema),
  /** Use an existing Redis instead of launching redis-server. */
  REDIS_URL: optionalUrl(redisUrlSchema),
  /** `next dev` (hot reload, compiles pages on first visit) instead of a production build. */
  BYTELAB_DEV: flag,
  /** How long to wait for the web app and the first worker heartbeat before giving up. */
  BYTELAB_READY_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
});

export interface StartConfig {
  home: string;
  repoRoot: string;
  webPort: number;
  webHost: string;
  pgPort: number;
  redisPort: number;
  redisBinary: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dev: boolean;
  readyTimeoutMs: number;
}

export function loadStartConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): StartConfig {
  const parsed = startEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new StartError(
      `invalid environment:\n${lines.join("\n")}`,
      "fix or unset these variables and run again",
    );
  }
  const e = parsed.data;
  return {
    home: bytelabHome({ BYTELAB_HOME: e.BYTELAB_HOME }, cwd),
    repoRoot: REPO_ROOT,
    webPort: e.PORT,
    webHost: e.BYTELAB_HOST,
    pgPort: e.BYTELAB_PG_PORT,
    redisPort: e.BYTELAB_REDIS_PORT,
    redisBinary: e.BYTELAB_REDIS_BIN,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dev: e.BYTELAB_DEV,
    readyTimeoutMs: e.BYTELAB_READY_TIMEOUT_MS,
  };
}

/** Folders inside BYTELAB_HOME. */
export const homePaths = (home: string) => ({
  postgres: join(home, "postgres"),
  redis: join(home, "redis"),
  logs: join(home, "logs"),
  pidfile: join(home, "bytelab.pids.json"),
});
