import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "../../..");
/** What `npx bytelab` starts. */
export const BIN = join(ROOT, "node_modules/.bin/bytelab");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
  /** Resolves once stdout matches `pattern` (rejects when the process ends first or after `timeoutMs`). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/**
 * Starts the real `bytelab` executable with exactly `env` added to a clean environment (no DATABASE_URL or
 * REDIS_URL leaking in from the test process) and BYTELAB_HOME in a temp folder unless given.
 */
export function startCli(args: string[], env: Record<string, string>, cwd: string): RunningCli {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete base.DATABASE_URL;
  delete base.REDIS_URL;
  delete base.BYTELAB_HOME;
  const child = spawn(BIN, args, { cwd, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString("utf8");
    for (const l of listeners) l();
  });
  child.stderr!.on("data", (c: Buffer) => {
    err += c.toString("utf8");
  });
  const done = new Promise<CliResult>((resolveDone) =>
    child.once("close", (code, signal) => resolveDone({ code, signal, stdout: out, stderr: err })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    done,
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((resolveWait, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            cleanup();
            resolveWait();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} in the output within ${timeoutMs} ms:\n${out}\n${err}`));
        }, timeoutMs);
        void done.then((r) => {
          if (!pattern.test(out)) {
            cleanup();
            reject(new Error(`bytelab exited (${r.code}) without printing ${pattern}:\n${out}\n${r.stderr}`));
          }
        });
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs `bytelab args` to the end. */
export function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  return startCli(args, env, cwd).done;
}

/** `url` with Redis logical database `db`: test files share one redis-server, each its own database. */
export function redisDatabase(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `bytelab-cli-${label}-`));
}

/** Two tiny runs (hourglass, megabyte) of `steps` steps on Brown: a sweep a CPU worker trains in seconds. */
export function tinySpecYaml(name: string, steps = 5): string {
  return `# two tiny runs
name: ${name}
base: { dataset: brown, seqLen: 32, batchSize: 2, logInterval: 1, eval: { interval: 0 } }
architectures:
  - architecture: hourglass
    model: { dim: 32, heads: 2, dim_head: 16, depth: [1, 1, 1], shorten_factor: 2 }
  - architecture: megabyte
    model: { dim: [32, 16], depth: [1, 1], max_seq_len: [8, 4], heads: 2, dim_head: 16 }
seeds: [0]
budget: { steps: ${steps} }
`;
}

export function writeSpec(dir: string, file: string, text: string): string {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}
