import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { z } from "zod";
import { StartError } from "./errors";
import { OutputTail } from "./output-tail";

/** Written into apps/web/.next after a successful `next build` by `npm start`. */
const STAMP = "bytelab-build.json";
const StampSchema = z.object({ newestInputMs: z.number(), nextVersion: z.string() });

/** Folders never part of the build's inputs. */
const SKIP_DIRS = new Set(["node_modules", ".next", ".turbo", "dist", "coverage", "test", "tests"]);
const SKIP_FILES = /(^next-env\.d\.ts$|\.tsbuildinfo$)/;

export const webDir = (repoRoot: string) => join(repoRoot, "apps", "web");

/** The `next` CLI script (run with our own node, so no shell and no npx lookup). */
export function nextBin(repoRoot: string): string {
  return createRequire(join(webDir(repoRoot), "package.json")).resolve("next/dist/bin/next");
}

function nextVersion(repoRoot: string): string {
  const require = createRequire(join(webDir(repoRoot), "package.json"));
  return (require("next/package.json") as { version: string }).version;
}

function newestMtime(path: string): number {
  let newest = 0;
  const stack = [path];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) stack.push(join(dir, entry.name));
      } else if (!SKIP_FILES.test(entry.name)) {
        newest = Math.max(newest, statSync(join(dir, entry.name)).mtimeMs);
      }
    }
  }
  return newest;
}

/** The workspace packages the web app depends on, directly or through each other (their folders). */
export function webWorkspacePackages(repoRoot: string): string[] {
  const packagesDir = join(repoRoot, "packages");
  const byName = new Map<string, string>();
  for (const dir of existsSync(packagesDir) ? readdirSync(packagesDir) : []) {
    const manifest = join(packagesDir, dir, "package.json");
    if (existsSync(manifest)) byName.set(readManifest(manifest).name ?? dir, join(packagesDir, dir));
  }
  const found = new Set<string>();
  const visit = (manifest: string) => {
    const m = readManifest(manifest);
    for (const dep of Object.keys({ ...m.dependencies, ...m.devDependencies })) {
      const dir = byName.get(dep);
      if (dir && !found.has(dir)) {
        found.add(dir);
        visit(join(dir, "package.json"));
      }
    }
  };
  visit(join(webDir(repoRoot), "package.json"));
  return [...found].sort();
}

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

/**
 * Newest modification time among everything the web build reads: the app, the workspace packages it
 * depends on (sources and manifests), the root manifests and lockfile, and the Prisma schema.
 */
export function newestBuildInput(repoRoot: string): number {
  let newest = newestMtime(webDir(repoRoot));
  for (const file of ["package.json", "package-lock.json", "tsconfig.json", "prisma/schema.prisma"]) {
    const path = join(repoRoot, file);
    if (existsSync(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  for (const pkg of webWorkspacePackages(repoRoot)) {
    newest = Math.max(newest, statSync(join(pkg, "package.json")).mtimeMs);
    if (existsSync(join(pkg, "src"))) newest = Math.max(newest, newestMtime(join(pkg, "src")));
  }
  return newest;
}

export type BuildState = { fresh: true } | { fresh: false; reason: string };

/** Whether apps/web/.next holds a production build of the current sources. */
export function webBuildState(repoRoot: string): BuildState {
  const next = join(webDir(repoRoot), ".next");
  if (!existsSync(join(next, "BUILD_ID"))) return { fresh: false, reason: "no production build yet" };
  const stampPath = join(next, STAMP);
  if (!existsSync(stampPath)) return { fresh: false, reason: "the build was not made by npm start" };
  const stamp = StampSchema.safeParse(JSON.parse(readFileSync(stampPath, "utf8")));
  if (!stamp.success) return { fresh: false, reason: "unreadable build stamp" };
  if (stamp.data.nextVersion !== nextVersion(repoRoot))
    return { fresh: false, reason: "Next.js was updated" };
  if (newestBuildInput(repoRoot) > stamp.data.newestInputMs)
    return { fresh: false, reason: "sources changed" };
  return { fresh: true };
}

/** Runs `next build` in apps/web; its output goes to `logFile`, and its tail into the error if it fails. */
export async function buildWeb(
  repoRoot: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  signal?: AbortSignal,
): Promise<void> {
  // Inputs are read before the build, so an edit made while it runs makes the next start rebuild.
  const newestInputMs = newestBuildInput(repoRoot);
  const output = new OutputTail(logFile, null, 60);
  const child = spawn(process.execPath, [nextBin(repoRoot), "build"], {
    cwd: webDir(repoRoot),
    env,
    stdio: ["ignore", "pipe", "pipe"],
    ...(signal ? { signal, killSignal: "SIGTERM" as const } : {}),
  });
  child.stdout.on("data", (c: Buffer) => output.write(c));
  child.stderr.on("data", (c: Buffer) => output.write(c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", (error) => (signal?.aborted ? resolve(null) : reject(error)));
    child.once("exit", (c) => resolve(c));
  });
  if (signal?.aborted) throw new StartError("the web build was interrupted");
  if (code !== 0) {
    throw new StartError(`next build failed (exit code ${code}):\n${output.text()}`, `full log: ${logFile}`);
  }
  writeBuildStamp(repoRoot, newestInputMs);
}

/** Records that .next holds a build of the inputs as of `newestInputMs`. */
export function writeBuildStamp(repoRoot: string, newestInputMs: number): void {
  writeFileSync(
    join(webDir(repoRoot), ".next", STAMP),
    `${JSON.stringify({ newestInputMs, nextVersion: nextVersion(repoRoot) })}\n`,
  );
}
