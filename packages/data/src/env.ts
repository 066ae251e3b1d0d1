import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/**
 * Environment variables read by @bytelab/data, validated in one place.
 * - BYTELAB_HOME: root of bytelab's local state; datasets are cached in $BYTELAB_HOME/datasets.
 * - BYTELAB_ENWIK8_URL / BYTELAB_TEXT8_URL: a mirror of the zip (the pinned checksum still applies).
 */
export const dataEnvSchema = z.object({
  BYTELAB_HOME: z.string().trim().min(1).optional(),
  BYTELAB_ENWIK8_URL: z.url().optional(),
  BYTELAB_TEXT8_URL: z.url().optional(),
});

export type DataEnv = z.infer<typeof dataEnvSchema>;

export function readDataEnv(env: NodeJS.ProcessEnv = process.env): DataEnv {
  const picked = {
    BYTELAB_HOME: env.BYTELAB_HOME || undefined,
    BYTELAB_ENWIK8_URL: env.BYTELAB_ENWIK8_URL || undefined,
    BYTELAB_TEXT8_URL: env.BYTELAB_TEXT8_URL || undefined,
  };
  const parsed = dataEnvSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `environment variable ${String(issue?.path[0])} is invalid (${issue?.message}); fix or unset it`,
    );
  }
  return parsed.data;
}

// BYTELAB_HOME, bytelab's local state (embedded Postgres/Redis data, the stack file, run work folders, the
// dataset cache), is resolved here, the same way by every process: `npm start`, the worker, the CLI, the web app.

/** The nearest ancestor of `from` holding a package.json with npm workspaces (the bytelab checkout). */
export function findProjectRoot(from: string = process.cwd()): string | undefined {
  let dir = resolve(/*turbopackIgnore: true*/ from);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const json = JSON.parse(readFileSync(manifest, "utf8")) as { workspaces?: unknown };
        if (json.workspaces !== undefined) return dir;
      } catch {
        // an unreadable package.json is not a project root; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The checkout this code runs from (else the one around the working directory). */
function checkoutRoot(cwd: string): string | undefined {
  return findProjectRoot(dirname(fileURLToPath(import.meta.url))) ?? findProjectRoot(cwd);
}

/**
 * BYTELAB_HOME: the variable (trimmed; a relative path starts at `cwd`), else `<checkout>/.bytelab`, else
 * `~/.cache/bytelab` when the code runs outside a checkout.
 */
export function bytelabHome(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): string {
  const value = env.BYTELAB_HOME?.trim();
  if (value) return isAbsolute(value) ? value : resolve(/*turbopackIgnore: true*/ cwd, value);
  const root = checkoutRoot(cwd);
  return root ? join(root, ".bytelab") : join(homedir(), ".cache", "bytelab");
}

/** Where downloaded datasets are cached: `<home>/datasets`, home being `home` (an explicit option) or bytelabHome(). */
export function datasetsDir(home?: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(home !== undefined ? resolve(home) : bytelabHome(readDataEnv(env)), "datasets");
}
