import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type BackendInfo,
  type ByteLM,
  createModel as createZooModel,
  initBackend,
  mixSeeds,
} from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";
import { byteBatch } from "./batch";
import { type LoadedCheckpoint, loadCheckpoint, saveCheckpoint } from "./checkpoint";
import {
  bytesPerStep,
  flopBudgetReached,
  maxSteps,
  parseTrainConfig,
  type TrainConfig,
  totalSteps,
  warmupSteps,
  withPlannedSteps,
} from "./config";
import { configHash } from "./config-hash";
import { openTrainingData } from "./data";
import { DivergenceGuard } from "./divergence";
import { type EvalResult, evaluateBpb } from "./evaluate";
import { computeGradients } from "./grads";
import { JsonlSink, METRICS_FILE, type MetricSink, Reporter } from "./metrics";
import type { ModelFactory } from "./models";
import { AdamW } from "./optim/adamw";
import { clipScale } from "./optim/clip";
import { buildParamSpecs, unusedLrMultiplierPrefixes } from "./optim/param-groups";
import { learningRateAt, type ScheduleSpec } from "./optim/schedule";
import { restoreWeights } from "./restore";
import { evaluateRobustness } from "./robustness";
import { SeededRng } from "./rng";
import { stageMetrics, trainingFlopsPerByte } from "./telemetry";
import {
  gitCommit,
  hostName,
  type RunMeta,
  type RunStatus,
  type RunSummary,
  readRunMeta,
  writeRunMeta,
} from "./run-meta";

export type TrainEvent =
  | {
      type: "start";
      runDir: string;
      startStep: number;
      totalSteps: number;
      paramCount: number;
      backend: BackendInfo;
      bytesPerStep: number;
      warnings: string[];
    }
  | {
      type: "step";
      step: number;
      /** Planned steps (a FLOP-budgeted run may take more or fewer: see `progress`). */
      totalSteps: number;
      /** Share of the run done (always set by the trainer): step / totalSteps, or with a flopBudget, FLOPs spent / flopBudget (at most 1). */
      progress?: number;
      loss: number;
      lr: number;
      bytesPerSecond: number;
      wallTime: number;
    }
  | { type: "eval"; step: number; split: "val" | "test"; result: EvalResult }
  | { type: "checkpoint"; step: number; dir: string };

export interface TrainResult {
  status: Exclude<RunStatus, "RUNNING" | "FAILED">;
  /** Why the run stopped when not COMPLETED (divergence reason, cancellation). */
  message?: string;
  runDir: string;
  step: number;
  summary: RunSummary;
}

interface CommonOptions {
  /** Extra metric sinks (the JSON-lines file in the run directory is always written). */
  sinks?: MetricSink[];
  onEvent?: (e: TrainEvent) => void;
  /** Aborting saves a checkpoint and returns status CANCELLED (resumable). */
  signal?: AbortSignal;
  /**
   * Aborting ends training at the next step boundary as a finished run: final validation, test and
   * robustness evaluation at that step, final checkpoint, status COMPLETED with summary.stoppedBy
   * "finish-request" and summary.finishReason = String(finish.reason). An early stop (ASHA) uses it, so an
   * early-stopped run stays comparable with the others.
   */
  finish?: AbortSignal;
  /** Stop (as if cancelled) once this many steps are done; the run stays resumable. */
  stopAtStep?: number;
  /** Model constructor; default: the zoo's createModel. */
  createModel?: ModelFactory;
  /** Forwarded to saveCheckpoint (tests simulate crashes with it). */
  beforeCheckpointCommit?: (tempDir: string) => void;
  /**
   * Awaited between optimizer steps (not after the last one). The loop is otherwise synchronous between
   * metric records, so a host that receives stop requests as events (the worker's training child, over IPC)
   * yields here to let them in before `signal` is checked. Default: one turn of the event loop
   * (setImmediate), so a SIGINT handler or an IPC message that aborts `signal` runs within one step.
   */
  afterStep?: (step: number) => void | Promise<void>;
}

export interface StartOptions extends CommonOptions {
  /** A TrainConfig or anything `trainConfigSchema` accepts. */
  config: unknown;
  /** The run directory (created if missing). */
  outDir: string;
}

export interface ResumeOptions extends CommonOptions {
  /** A run directory, its checkpoints directory or one checkpoint directory. */
  from: string;
  /** Train to this many steps instead of the saved config's (extends or shortens the schedule). */
  steps?: number;
}

/** Starts a new run in `outDir`. */
export async function train(opts: StartOptions): Promise<TrainResult> {
  const config = parseTrainConfig(opts.config);
  return runLoop(config, resolve(opts.outDir), undefined, opts);
}

/** Continues a run from its latest (or the given) checkpoint; metrics after that step are rewritten. */
export async function resumeTraining(opts: ResumeOptions): Promise<TrainResult> {
  const ckpt = loadCheckpoint(opts.from);
  let config = parseTrainConfig(ckpt.meta.config, `config in ${ckpt.dir}/meta.json`);
  if (opts.steps !== undefined)
    config = parseTrainConfig({ ...config, steps: opts.steps, byteBudget: undefined, flopBudget: undefined });
  return runLoop(config, ckpt.runDir, ckpt, opts);
}

/** The config with the model's validated config (defaults filled in) in place of the given one. */
export function resolvedConfig(config: TrainConfig, model: ByteLM): TrainConfig {
  const m = model.config;
  if (m === null || typeof m !== "object") return config;
  return { ...config, model: JSON.parse(JSON.stringify(m)) as Record<string, unknown> };
}

/** Counters a checkpoint carries (a resumed run continues them exactly). */
interface LoopState {
  step: number;
  bytesSeen: number;
  flops: number;
  wallTime: number;
  lossHistory: number[];
}

/** What every stage of one training process shares: the run's parts, its schedule and its counters. */
interface RunContext {
  config: TrainConfig;
  runDir: string;
  opts: CommonOptions;
  model: ByteLM;
  data: Awaited<ReturnType<typeof openTrainingData>>;
  params: ReturnType<typeof buildParamSpecs>;
  optimizer: AdamW;
  reporter: Reporter;
  emit: (e: TrainEvent) => void;
  resolved: TrainConfig;
  hash: string;
  rng: SeededRng;
  state: LoopState;
  total: number;
  cap: number;
  budget: number | undefined;
  schedule: ScheduleSpec;
  guard: DivergenceGuard;
  perStep: number;
  /** Sums since the last metrics record; saved in checkpoints so a resume mid-interval logs the same means. */
  logWindow: LogWindow;
}

/** How the step loop ended, and what the summary needs from it. */
interface LoopOutcome {
  status: TrainResult["status"];
  message?: string;
  stoppedBy: NonNullable<RunSummary["stoppedBy"]> | null;
  finishReason?: string;
  trainSeconds: number;
  stepsThisProcess: number;
  lastLoss: number | null;
  lastVal: EvalResult | null;
}

async function runLoop(
  given: TrainConfig,
  runDir: string,
  resumed: LoadedCheckpoint | undefined,
  opts: CommonOptions,
): Promise<TrainResult> {
  mkdirSync(runDir, { recursive: true });
  const backend = await initBackend();
  const createModel = opts.createModel ?? createZooModel;
  const data = await openTrainingData(given, resumed?.meta.samplerState);
  const model = createModel(given.architecture, given.model, given.seed);
  // A FLOP budget without steps: plan them from the model's analytic FLOPs per byte (recorded in the config).
  const config = withPlannedSteps(given, model.flopsPerByte(given.seqLen).training);
  const emit = opts.onEvent ?? (() => {});
  const reporter = new Reporter([new JsonlSink(join(runDir, METRICS_FILE)), ...(opts.sinks ?? [])]);
  const params = buildParamSpecs(model.trainableVariables(), config.optimizer);
  const optimizer = new AdamW(params, config.optimizer);
  let written: RunMeta | undefined;
  try {
    const parts = { config, runDir, opts, model, data, params, optimizer, reporter, emit };
    const ctx = await restoreOrStart(parts, resumed);
    const meta = startMeta(ctx, backend, resumed);
    writeRunMeta(runDir, meta);
    written = meta;
    const warnings = unusedLrMultiplierPrefixes(params, config.optimizer).map(
      (p) =>
        `optimizer.lrMultipliers prefix "${p}" matches no parameter of this ${config.architecture} model`,
    );
    emit({
      type: "start",
      runDir,
      startStep: ctx.state.step,
      totalSteps: ctx.total,
      paramCount: model.paramCount(),
      backend,
      bytesPerStep: ctx.perStep,
      warnings,
    });
    const outcome = await trainSteps(ctx);
    return await finishRun(ctx, meta, outcome);
  } catch (error) {
    // A crash (not a divergence) still leaves a truthful run.json; the latest checkpoint stays resumable.
    if (written) {
      const at = new Date().toISOString();
      writeRunMeta(runDir, {
        ...written,
        status: "FAILED",
        message: (error as Error).message,
        updatedAt: at,
      });
    }
    throw error;
  } finally {
    await reporter.close();
    optimizer.dispose();
    model.dispose();
  }
}

/** Stage 1: the run's counters, schedule and divergence guard, restored from the checkpoint when resuming. */
async function restoreOrStart(
  parts: Pick<
    RunContext,
    "config" | "runDir" | "opts" | "model" | "data" | "params" | "optimizer" | "reporter" | "emit"
  >,
  resumed: LoadedCheckpoint | undefined,
): Promise<RunContext> {
  const { config, model, params, optimizer, reporter } = parts;
  const resolved = resolvedConfig(config, model);
  const hash = configHash(resolved);
  let rng = new SeededRng(config.seed);
  const state: LoopState = { step: 0, bytesSeen: 0, flops: 0, wallTime: 0, lossHistory: [] };
  if (resumed) {
    restoreWeights(params, resumed);
    optimizer.loadState(resumed.optimizer);
    rng = SeededRng.fromState(resumed.meta.rngState);
    const { bytesSeen, flops, wallTime, lossHistory } = resumed.meta.trainer;
    Object.assign(state, { step: resumed.meta.step, bytesSeen, flops, wallTime, lossHistory });
    await reporter.truncateAfter(state.step);
  }
  const total = totalSteps(config);
  const warm = warmupSteps(config);
  return {
    ...parts,
    resolved,
    hash,
    rng,
    state,
    total,
    cap: maxSteps(config),
    budget: config.flopBudget,
    schedule: { ...config.schedule, lr: config.optimizer.lr, totalSteps: total, warmupSteps: warm },
    guard: new DivergenceGuard(config.divergence, warm, state.lossHistory),
    perStep: bytesPerStep(config),
    logWindow: resumed?.meta.trainer.logWindow ?? emptyWindow(),
  };
}

/** run.json as the run starts (or resumes): config, hash, backend, host, model size, dataset. */
function startMeta(ctx: RunContext, backend: BackendInfo, resumed: LoadedCheckpoint | undefined): RunMeta {
  const { config, model, data, runDir, state } = ctx;
  const now = new Date().toISOString();
  const previous = resumed ? readRunMeta(runDir) : undefined;
  return {
    architecture: config.architecture,
    config: ctx.resolved as unknown as Record<string, unknown>,
    configHash: ctx.hash,
    seed: config.seed,
    status: "RUNNING",
    gitCommit: gitCommit(),
    backend: {
      name: backend.name,
      tfBackend: backend.tfBackend,
      kind: backend.kind,
      device: backend.device,
      ...(backend.driver ? { driver: backend.driver } : {}),
      ...(backend.cuda ? { cuda: backend.cuda } : {}),
      ...(backend.probe ? { probeGflops: Math.round(backend.probe.gflops * 10) / 10 } : {}),
    },
    host: hostName(),
    pid: process.pid,
    node: process.version,
    paramCount: model.paramCount(),
    flopsPerByte: model.flopsPerByte(config.seqLen),
    dataset: {
      name: config.dataset,
      sha256: data.dataset.corpus.sha256,
      bytes: data.dataset.corpus.bytes.length,
      splits: Object.fromEntries(Object.entries(data.dataset.splits).map(([k, s]) => [k, s.bytes.length])),
      unigramBitsPerByte: data.unigramBitsPerByte,
    },
    totalSteps: ctx.total,
    startedAt: previous?.startedAt ?? now,
    updatedAt: now,
    resumes: [...(previous?.resumes ?? []), ...(resumed ? [{ fromStep: state.step, at: now }] : [])],
  };
}

/** The counters a metric record is stamped with. */
function at(ctx: RunContext) {
  const { step, bytesSeen, flops, wallTime } = ctx.state;
  return { step, bytesSeen, flops, wallTime };
}

function saveNow(ctx: RunContext): void {
  const { config, state } = ctx;
  const dir = saveCheckpoint(
    ctx.runDir,
    {
      step: state.step,
      architecture: config.architecture,
      config: ctx.resolved as unknown as Record<string, unknown>,
      configHash: ctx.hash,
      params: ctx.params.map((p) => ({
        name: p.name,
        shape: p.variable.shape,
        values: Float32Array.from(p.variable.dataSync() as Float32Array),
      })),
      optimizer: ctx.optimizer.state(),
      samplerState: ctx.data.sampler.state(),
      rngState: ctx.rng.state,
      trainer: {
        bytesSeen: state.bytesSeen,
        flops: state.flops,
        wallTime: state.wallTime,
        lossHistory: ctx.guard.lossHistory,
        logWindow: ctx.logWindow,
      },
    },
    { keep: config.checkpoint.keep, beforeCommit: ctx.opts.beforeCheckpointCommit },
  );
  ctx.emit({ type: "checkpoint", step: state.step, dir });
}

async function evalVal(ctx: RunContext): Promise<EvalResult> {
  const { config, state } = ctx;
  const t0 = performance.now();
  const r = evaluateBpb(ctx.model, ctx.data.validation(config.eval.windows, config.eval.batchSize));
  state.wallTime += (performance.now() - t0) / 1000;
  await ctx.reporter.report("eval", at(ctx), { "val/loss": r.loss, "val/bpb": r.bpb });
  ctx.emit({ type: "eval", step: state.step, split: "val", result: r });
  return r;
}

/**
 * Only state a checkpoint holds (step, cumulative FLOPs) decides the end, so a resumed run ends where an
 * uninterrupted one does.
 */
function endOfTraining(ctx: RunContext): "steps" | "flop-budget" | "step-cap" | null {
  const { state, budget } = ctx;
  if (budget === undefined) return state.step >= ctx.total ? "steps" : null;
  if (flopBudgetReached(state.flops, budget)) return "flop-budget";
  return state.step >= ctx.cap ? "step-cap" : null;
}

/** Stage 2: optimizer steps until the end of training, a stop request or a divergence. */
async function trainSteps(ctx: RunContext): Promise<LoopOutcome> {
  const { config, state, opts, runDir } = ctx;
  const out: LoopOutcome = {
    status: "COMPLETED",
    stoppedBy: null,
    trainSeconds: 0,
    stepsThisProcess: 0,
    lastLoss: null,
    lastVal: null,
  };
  for (;;) {
    const end = endOfTraining(ctx);
    if (end) {
      out.stoppedBy = end;
      break;
    }
    if (opts.signal?.aborted) {
      out.status = "CANCELLED";
      out.stoppedBy = "cancelled";
      out.message = `cancelled at step ${state.step}; continue with --resume ${runDir}`;
      break;
    }
    if (opts.finish?.aborted) {
      out.stoppedBy = "finish-request";
      out.finishReason = String(opts.finish.reason ?? "finish requested");
      break;
    }
    const diverged = await optimizerStep(ctx, out);
    if (diverged) {
      out.status = "DIVERGED";
      out.stoppedBy = "diverged";
      out.message = diverged;
      break;
    }
    if (endOfTraining(ctx) !== null) continue; // the loop's head records why it ended
    if (config.eval.interval > 0 && state.step % config.eval.interval === 0) out.lastVal = await evalVal(ctx);
    if (config.checkpoint.interval > 0 && state.step % config.checkpoint.interval === 0) saveNow(ctx);
    if (opts.stopAtStep !== undefined && state.step >= opts.stopAtStep) {
      out.status = "CANCELLED";
      out.stoppedBy = "cancelled";
      out.message = `stopped at step ${state.step} as requested; continue with --resume ${runDir}`;
      break;
    }
    await (opts.afterStep ?? yieldToEventLoop)(state.step);
  }
  return out;
}

/**
 * One optimizer step: gradients of the micro-batches, divergence check, clipping, update, counters, the
 * step event and (every logInterval steps, and at the last) the train metrics. Returns why the run
 * diverged, or null.
 */
async function optimizerStep(ctx: RunContext, out: LoopOutcome): Promise<string | null> {
  const { config, state, model, params, budget, total, perStep } = ctx;
  const t0 = performance.now();
  // A FLOP budget's schedule runs on the share of the budget spent, so it ends its decay at the budget.
  const scheduleStep = budget === undefined ? state.step : (Math.min(state.flops, budget) / budget) * total;
  const lr = learningRateAt(scheduleStep, ctx.schedule);
  const micro = Array.from({ length: config.gradAccumulation }, () =>
    byteBatch(ctx.data.sampler.next(), config.seqLen + 1),
  );
  // Dropout masks from (seed, step, micro-batch): the same run twice, or resumed, drops the same units.
  const step = state.step;
  const g = computeGradients(model, params, micro, (k) => mixSeeds(config.seed, step, k));
  const verdict = ctx.guard.check(state.step + 1, g.loss + g.auxLoss);
  if (verdict) {
    for (const t of g.grads) t.dispose();
    state.step += 1;
    await ctx.reporter.report("train", at(ctx), { "train/loss": g.loss, "train/bpb": g.loss / Math.LN2, lr });
    return `${verdict.reason}; lower optimizer.lr (now ${config.optimizer.lr}) or raise the divergence bounds`;
  }
  // The clip factor is applied inside the optimizer's pass (no scaled copies of the gradients).
  const clipped = clipScale(g.grads, config.optimizer.clipNorm);
  if (!Number.isFinite(clipped.norm)) {
    for (const t of g.grads) t.dispose();
    state.step += 1;
    return `gradient norm is ${clipped.norm} at step ${state.step}; lower optimizer.lr (now ${config.optimizer.lr})`;
  }
  ctx.optimizer.apply(g.grads, lr, clipped.scale);
  for (const t of g.grads) t.dispose();

  state.step += 1;
  state.bytesSeen += perStep;
  state.flops += trainingFlopsPerByte(model, config.seqLen, g.stages) * perStep;
  const dt = (performance.now() - t0) / 1000;
  state.wallTime += dt;
  out.trainSeconds += dt;
  out.stepsThisProcess += 1;
  out.lastLoss = g.loss;
  const w = ctx.logWindow;
  ctx.logWindow = {
    loss: w.loss + g.loss,
    aux: w.aux + g.auxLoss,
    gradNorm: w.gradNorm + clipped.norm,
    steps: w.steps + 1,
    trainSeconds: w.trainSeconds + dt,
    bytes: w.bytes + perStep,
  };
  ctx.emit({
    type: "step",
    step: state.step,
    totalSteps: total,
    progress: budget === undefined ? state.step / total : Math.min(1, state.flops / budget),
    loss: g.loss,
    lr,
    bytesPerSecond: perStep / dt,
    wallTime: state.wallTime,
  });
  if (state.step % config.logInterval === 0 || endOfTraining(ctx) !== null) {
    const mem = tf.memory();
    const window = ctx.logWindow;
    const loss = window.loss / window.steps;
    await ctx.reporter.report("train", at(ctx), {
      "train/loss": loss,
      "train/bpb": loss / Math.LN2,
      "train/aux_loss": window.aux / window.steps,
      lr,
      grad_norm: window.gradNorm / window.steps,
      "throughput/bytes_per_s": window.bytes / window.trainSeconds,
      "memory/bytes": mem.numBytes,
      "memory/tensors": mem.numTensors,
      ...stageMetrics(g.stages),
    });
    ctx.logWindow = emptyWindow();
  }
  return null;
}

/** Stage 3: final evaluations and checkpoint (completed or cancelled), the summary, the final run.json. */
async function finishRun(ctx: RunContext, meta: RunMeta, outcome: LoopOutcome): Promise<TrainResult> {
  const { config, state, model, data, reporter, budget, total, cap } = ctx;
  const { status, stoppedBy, finishReason, trainSeconds, stepsThisProcess } = outcome;
  let { message, lastVal } = outcome;
  let test: EvalResult | null = null;
  const robustness: Record<string, number> = {};
  if (status === "COMPLETED") {
    lastVal = await evalVal(ctx);
    test = evaluateBpb(model, data.test(config.eval.testWindows, config.eval.batchSize));
    await reporter.report("test", at(ctx), { "test/loss": test.loss, "test/bpb": test.bpb });
    ctx.emit({ type: "eval", step: state.step, split: "test", result: test });
    Object.assign(robustness, await evaluateRobustness(model, data, config, ctx.rng, reporter, at(ctx)));
    saveNow(ctx);
  } else if (status === "CANCELLED") {
    saveNow(ctx);
  }

  const summary: RunSummary = {
    steps: state.step,
    bytesSeen: state.bytesSeen,
    flops: state.flops,
    wallTime: state.wallTime,
    stepsPerSecond: trainSeconds > 0 ? stepsThisProcess / trainSeconds : 0,
    bytesPerSecond: trainSeconds > 0 ? (stepsThisProcess * ctx.perStep) / trainSeconds : 0,
    finalTrainLoss: outcome.lastLoss,
    val: lastVal,
    test,
    robustness,
    unigramBitsPerByte: data.unigramBitsPerByte,
    plannedSteps: total,
    ...(stoppedBy ? { stoppedBy } : {}),
    ...(finishReason !== undefined ? { finishReason } : {}),
    flopBudget:
      budget === undefined
        ? null
        : {
            budget,
            reached: state.flops,
            reachedBudget: flopBudgetReached(state.flops, budget),
            maxSteps: cap,
          },
  };
  if (stoppedBy === "finish-request")
    message = `finished at step ${state.step} on request (${finishReason}), before the end of its planned training`;
  if (status === "COMPLETED" && stoppedBy === "step-cap" && budget !== undefined)
    message =
      `stopped at the step cap (${cap} steps = ${cap / total} x the planned ${total}) with ` +
      `${state.flops.toExponential(4)} of its ${budget.toExponential(4)} training-FLOP budget: its measured ` +
      "FLOPs per step stayed far below the planned ones (H-Net: it compressed far more than its target)";
  const end = new Date().toISOString();
  writeRunMeta(ctx.runDir, {
    ...meta,
    status,
    ...(message ? { message } : {}),
    updatedAt: end,
    ...(status === "COMPLETED" || status === "DIVERGED" ? { finishedAt: end } : {}),
    summary,
  });
  return { status, ...(message ? { message } : {}), runDir: ctx.runDir, step: state.step, summary };
}

/** Lets pending events (signals, IPC, timers) run between two steps; costs microseconds. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface LogWindow {
  loss: number;
  aux: number;
  gradNorm: number;
  steps: number;
  trainSeconds: number;
  bytes: number;
}

function emptyWindow(): LogWindow {
  return { loss: 0, aux: 0, gradNorm: 0, steps: 0, trainSeconds: 0, bytes: 0 };
}
