import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { replaceFileAtomic } from "./checkpoint/fs-durable";

export const RUN_FILE = "run.json";

export const runStatusSchema = z.enum(["RUNNING", "COMPLETED", "DIVERGED", "CANCELLED", "FAILED"]);
export type RunStatus = z.infer<typeof runStatusSchema>;

const evalSummarySchema = z.object({ loss: z.number(), bpb: z.number(), bytes: z.number() });

export const runSummarySchema = z.object({
  steps: z.int(),
  bytesSeen: z.number(),
  flops: z.number(),
  wallTime: z.number(),
  /** Optimizer steps per second of training time (evaluation and checkpoints excluded). */
  stepsPerSecond: z.number(),
  bytesPerSecond: z.number(),
  finalTrainLoss: z.number().nullable(),
  val: evalSummarySchema.nullable(),
  test: evalSummarySchema.nullable(),
  /** Validation bpb per noise setting, e.g. {"clean": 2.1, "substitute@0.05": 2.6}. */
  robustness: z.record(z.string(), z.number()),
  /** Unigram entropy of the corpus (bits/byte): the context-free baseline. */
  unigramBitsPerByte: z.number(),
  /** Planned optimizer steps (config.steps or from the budget); absent in run files written before it. */
  plannedSteps: z.int().optional(),
  /**
   * Why training ended: "steps" (the planned steps were done), "flop-budget" (the measured training FLOPs
   * reached config.flopBudget), "step-cap" (FLOP_BUDGET_STEP_CAP x the planned steps came first),
   * "finish-request" (asked to finish early, e.g. an ASHA stop: it still got its final evaluation),
   * "diverged", "cancelled". Absent in run files written before it.
   */
  stoppedBy: z
    .enum(["steps", "flop-budget", "step-cap", "finish-request", "diverged", "cancelled"])
    .optional(),
  /** finish-request: the reason it was given (e.g. "early-stop"). */
  finishReason: z.string().optional(),
  /**
   * A FLOP-budgeted run: the budget (config.flopBudget), what it reached (= flops) and whether that is the
   * budget (false: it stopped before, see stoppedBy). null for runs without a FLOP budget.
   */
  flopBudget: z
    .object({ budget: z.number(), reached: z.number(), reachedBudget: z.boolean(), maxSteps: z.int() })
    .nullable()
    .optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** run.json: what a run is and where it stands. Rewritten atomically at start, on resume and at the end. */
export const runMetaSchema = z.object({
  architecture: z.string(),
  /** The resolved training config (model config with the model's defaults filled in). */
  config: z.record(z.string(), z.unknown()),
  /** sha256 of the canonical JSON of `config` (sorted keys). */
  configHash: z.string(),
  seed: z.int(),
  status: runStatusSchema,
  message: z.string().optional(),
  gitCommit: z.string().nullable(),
  /**
   * The backend that really ran: kind "gpu" only when a GPU executed the verification probe faster than the
   * CPU path (packages/models/src/backend.ts). kind/device/... are absent in run.json files of older versions.
   */
  backend: z.object({
    name: z.string(),
    tfBackend: z.string(),
    kind: z.enum(["gpu", "cpu"]).optional(),
    device: z.string().optional(),
    driver: z.string().optional(),
    cuda: z.string().optional(),
    probeGflops: z.number().optional(),
  }),
  host: z.string(),
  pid: z.int(),
  node: z.string(),
  paramCount: z.int(),
  flopsPerByte: z.object({ forward: z.number(), training: z.number(), basis: z.string() }),
  dataset: z.object({
    name: z.string(),
    sha256: z.string(),
    bytes: z.int(),
    splits: z.record(z.string(), z.int()),
    unigramBitsPerByte: z.number(),
  }),
  totalSteps: z.int(),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  resumes: z.array(z.object({ fromStep: z.int(), at: z.string() })),
  summary: runSummarySchema.optional(),
});
export type RunMeta = z.infer<typeof runMetaSchema>;

export function writeRunMeta(runDir: string, meta: RunMeta): void {
  replaceFileAtomic(join(runDir, RUN_FILE), `${JSON.stringify(meta, null, 2)}\n`, runDir);
}

export function readRunMeta(runDir: string): RunMeta | undefined {
  const path = join(runDir, RUN_FILE);
  if (!existsSync(path)) return undefined;
  const parsed = runMetaSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success)
    throw new Error(
      `${path} is not a bytelab run file (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message})`,
    );
  return parsed.data;
}

/** The project's git commit (HEAD), or null outside a git checkout. */
export function gitCommit(): string | null {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: here, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

export function hostName(): string {
  return hostname();
}
