import type { PrismaClient } from "@bytelab/db";
import { loadWorkerEnv, type WorkerEnv } from "../src/env";
import type { Logger } from "../src/logger";

/** A ~6k-parameter byte Transformer: a training step takes milliseconds on one core. */
export const TINY_MODEL = { n_layer: 1, n_head: 2, n_embd: 16, block_size: 16 } as const;

/** Training-config keys (spec `base`) for tiny, fast runs: a metric record every step, few eval windows. */
export function tinyBase(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dataset: "brown",
    seqLen: 16,
    batchSize: 2,
    logInterval: 1,
    eval: { interval: 10, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
    checkpoint: { interval: 10, keep: 2 },
    ...over,
  };
}

/** A sweep spec of tiny transformer runs: one per (lr, seed). */
export function tinySweep(
  name: string,
  opts: {
    steps: number;
    lrs?: number[];
    seeds?: number[];
    base?: Record<string, unknown>;
    earlyStopping?: Record<string, unknown>;
  },
): Record<string, unknown> {
  return {
    name,
    base: tinyBase(opts.base),
    architectures: [{ architecture: "transformer", model: { ...TINY_MODEL } }],
    parameters: { grid: { "optimizer.lr": opts.lrs ?? [1e-2] } },
    seeds: opts.seeds ?? [0],
    budget: { steps: opts.steps },
    ...(opts.earlyStopping ? { earlyStopping: opts.earlyStopping } : {}),
  };
}

/** The worker environment of a test: defaults, then `vars` (strings, as in a real environment). */
export function testWorkerEnv(vars: Record<string, string>): WorkerEnv {
  return loadWorkerEnv({ CUDA_VISIBLE_DEVICES: "-1", WORKER_HEARTBEAT_MS: "500", ...vars });
}

/** Polls `probe` every `everyMs` until it returns something truthy; fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Collects log lines (and prints them when BYTELAB_TEST_VERBOSE is set). */
export function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const verbose = !!process.env.BYTELAB_TEST_VERBOSE;
  const at = (level: string) => (m: string) => {
    lines.push(`${level} ${m}`);
    if (verbose) console.log(`${level} ${m}`);
  };
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

/** Steps at which run `runId` has a point of metric `name`, ascending. */
export async function metricSteps(prisma: PrismaClient, runId: string, name: string): Promise<number[]> {
  const rows = await prisma.metricPoint.findMany({
    where: { runId, name },
    select: { step: true },
    orderBy: { step: "asc" },
  });
  return rows.map((r) => r.step);
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
