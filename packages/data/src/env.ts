import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
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

/**
 * Where downloaded datasets are cached: `home` (an explicit option) or $BYTELAB_HOME, plus
 * "/datasets"; else `<project root>/.bytelab/datasets`; else `~/.cache/bytelab/datasets`.
 */
export function datasetsDir(home?: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = home ?? readDataEnv(env).BYTELAB_HOME;
  if (root) return join(resolve(root), "datasets");
  const project = findProjectRoot();
  if (project) return join(project, ".bytelab", "datasets");
  return join(homedir(), ".cache", "bytelab", "datasets");
}
