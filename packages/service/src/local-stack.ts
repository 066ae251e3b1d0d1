import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { databaseUrlSchema } from "@bytelab/db/env";
import { redisUrlSchema } from "@bytelab/queue/env";
import { z } from "zod";

/**
 * BYTELAB_HOME/bytelab.stack.json: where the services of a running `npm start` listen, so that other
 * processes on the machine (the `bytelab` CLI) find the local stack without DATABASE_URL / REDIS_URL.
 * Written once Postgres and Redis are ready and migrated, removed on a clean shutdown. A file whose
 * launcher is gone (killed with SIGKILL) is stale: readers ignore it, the next start overwrites it.
 */
export const LocalStackSchema = z.object({
  format: z.literal("bytelab.stack/1"),
  /** pid of `npm start` (scripts/start.ts): the file is live only while it runs. */
  launcher: z.number().int().positive(),
  startedAt: z.string(),
  databaseUrl: databaseUrlSchema,
  redisUrl: redisUrlSchema,
  /** The dashboard's URL (it answers once the web app is up). */
  webUrl: z.string(),
});
export type LocalStack = z.infer<typeof LocalStackSchema>;

export const STACK_FILE_NAME = "bytelab.stack.json";

/** BYTELAB_HOME, resolved as every process does (@bytelab/data). */
export { bytelabHome } from "@bytelab/data/env";

export function stackFilePath(home: string): string {
  return join(home, STACK_FILE_NAME);
}

/** Owner-only: the embedded Postgres URL carries its password. */
export function writeStackFile(path: string, stack: LocalStack): void {
  writeFileSync(path, `${JSON.stringify(LocalStackSchema.parse(stack), null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function removeStackFile(path: string): void {
  rmSync(path, { force: true });
}

export type StackLookup =
  | { found: true; stack: LocalStack; path: string }
  | { found: false; path: string; reason: string };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running local stack of BYTELAB_HOME `home`, or why there is none (for error messages). */
export function readLocalStack(home: string): StackLookup {
  const path = stackFilePath(home);
  if (!existsSync(path)) return { found: false, path, reason: `no local stack is running (no ${path})` };
  let parsed: ReturnType<typeof LocalStackSchema.safeParse>;
  try {
    parsed = LocalStackSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  } catch (error) {
    return { found: false, path, reason: `${path} is not readable JSON: ${(error as Error).message}` };
  }
  if (!parsed.success) return { found: false, path, reason: `${path} is not a bytelab.stack/1 file` };
  if (!alive(parsed.data.launcher))
    return {
      found: false,
      path,
      reason: `${path} is left over from an \`npm start\` (pid ${parsed.data.launcher}) that is no longer running`,
    };
  return { found: true, stack: parsed.data, path };
}
