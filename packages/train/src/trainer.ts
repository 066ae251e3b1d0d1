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
    const resolved = resolvedConfig(config, model);
    const hash = configHash(resolved);
    const warnings = unusedLrMultiplierPrefixes(params, config.optimizer).map(
      (p) =>
        `optimizer.lrMultipliers prefix "${p}" matches no parameter of this ${config.architecture} model`,
    );
    let rng = new SeededRng(config.seed);
    const state = { step: 0, bytesSeen: 0, flops: 0, wallTime: 0, lossHistory: [] as number[] };
    if (resumed) {
      restoreWeights(params, resumed);
      optimizer.loadState(resumed.optimizer);
      rng = SeededRng.fromState(resumed.meta.rngState);
      const { bytesSeen, flops, wallTime, lossHistory } = resumed.meta.trainer;
      Object.assign(state, { step: resumed.meta.step, bytesSeen, flops, wallTime, lossHistory });
      await reporter.truncateAfter(state.step);
    }
    const total = totalSteps(config);
    const cap = maxSteps(config);
    const budget = config.flopBudget;
    const warm = warmupSteps(config);
    const schedule: ScheduleSpec = {
      ...config.schedule,
      lr: config.optimizer.lr,
      totalSteps: total,
      warmupSteps: warm,
    };
    const guard = new DivergenceGuard(config.divergence, warm, state.lossHistory);
    const perStep = bytesPerStep(config);
    const now = new Date().toISOString();
    const previous = resumed ? readRunMeta(runDir) : undefined;
    const meta: RunMeta = {
      architecture: config.architecture,
      config: resolved as unknown as Record<string, unknown>,
      configHash: hash,
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
      totalSteps: total,
      startedAt: previous?.startedAt ?? now,
      updatedAt: now,
      resumes: [...(previous?.resumes ?? []), ...(resumed ? [{ fromStep: state.step, at: now }] : [])],
    };
    writeRunMeta(runDir, meta);
    written = meta;
    emit({
      type: "start",
      runDir,
      startStep: state.step,
      totalSteps: total,
      paramCount: model.paramCount(),
      backend,
      bytesPerStep: perStep,
      warnings,
    });

    // Sums since the last metrics record; saved in checkpoints so a resume mid-interval logs the same means.
    let logWindow: LogWindow = resumed?.meta.trainer.logWindow ?? emptyWindow();
    const at = () => ({
      step: state.step,
      bytesSeen: state.bytesSeen,
      flops: state.flops,
      wallTime: state.wallTime,
    });
    const saveNow = () => {
      const dir = saveCheckpoint(
        runDir,
        {
          step: state.step,
          architecture: config.architecture,
          config: resolved as unknown as Record<string, unknown>,
          configHash: hash,
          params: params.map((p) => ({
            name: p.name,
            shape: p.variable.shape,
            values: Float32Array.from(p.variable.dataSync() as Float32Array),
          })),
          optimizer: optimizer.state(),
          samplerState: data.sampler.state(),
          rngState: rng.state,
          trainer: {
            bytesSeen: state.bytesSeen,
            flops: state.flops,
            wallTime: state.wallTime,
            lossHistory: guard.lossHistory,
            logWindow,
          },
        },
        { keep: config.checkpoint.keep, beforeCommit: opts.beforeCheckpointCommit },
      );
      emit({ type: "checkpoint", step: state.step, dir });
    };
    const evalVal = async (): Promise<EvalResult> => {
      const t0 = performance.now();
      const r = evaluateBpb(model, data.validation(config.eval.windows, config.eval.batchSize));
      state.wallTime += (performance.now() - t0) / 1000;
      await reporter.report("eval", at(), { "val/loss": r.loss, "val/bpb": r.bpb });
      emit({ type: "eval", step: state.step, split: "val", result: r });
      return r;
    };

    let trainSeconds = 0;
    let stepsThisProcess = 0;
    let lastLoss: number | null = null;
    let lastVal: EvalResult | null = null;
    let status: TrainResult["status"] = "COMPLETED";
    let message: string | undefined;
    let stoppedBy: NonNullable<RunSummary["stoppedBy"]> | null = null;
    let finishReason: string | undefined;
    // Only state a checkpoint holds (step, cumulative FLOPs) decides the end, so a resumed run ends where
    // an uninterrupted one does.
    const endOfTraining = (): "steps" | "flop-budget" | "step-cap" | null => {
      if (budget === undefined) return state.step >= total ? "steps" : null;
      if (flopBudgetReached(state.flops, budget)) return "flop-budget";
      return state.step >= cap ? "step-cap" : null;
    };

    for (;;) {
      const end = endOfTraining();
      if (end) {
        stoppedBy = end;
        break;
      }
      if (opts.signal?.aborted) {
        status = "CANCELLED";
        stoppedBy = "cancelled";
        message = `cancelled at step ${state.step}; continue with --resume ${runDir}`;
        break;
      }
      if (opts.finish?.aborted) {
        stoppedBy = "finish-request";
        finishReason = String(opts.finish.reason ?? "finish requested");
        break;
      }
      const t0 = performance.now();
      // A FLOP budget's schedule runs on the share of the budget spent, so it ends its decay at the budget.
      const scheduleStep =
        budget === undefined ? state.step : (Math.min(state.flops, budget) / budget) * total;
      const lr = learningRateAt(scheduleStep, schedule);
      const micro = Array.from({ length: config.gradAccumulation }, () =>
        byteBatch(data.sampler.next(), config.seqLen + 1),
      );
      // Dropout masks from (seed, step, micro-batch): the same run twice, or resumed, drops the same units.
      const step = state.step;
      const g = computeGradients(model, params, micro, (k) => mixSeeds(config.seed, step, k));
      const verdict = guard.check(state.step + 1, g.loss + g.auxLoss);
      if (verdict) {
        for (const t of g.grads) t.dispose();
        state.step += 1;
        await reporter.report("train", at(), { "train/loss": g.loss, "train/bpb": g.loss / Math.LN2, lr });
        status = "DIVERGED";
        stoppedBy = "diverged";
        message = `${verdict.reason}; lower optimizer.lr (now ${config.optimizer.lr}) or raise the divergence bounds`;
        break;
      }
      // The clip factor is applied inside the optimizer's pass (no scaled copies of the gradients).
      const clipped = clipScale(g.grads, config.optimizer.clipNorm);
      if (!Number.isFinite(clipped.norm)) {
        for (const t of g.grads) t.dispose();
        state.step += 1;
        status = "DIVERGED";
        stoppedBy = "diverged";
        message = `gradient norm is ${clipped.norm} at step ${state.step}; lower optimizer.lr (now ${config.optimizer.lr})`;
        break;
      }
      optimizer.apply(g.grads, lr, clipped.scale);
      for (const t of g.grads) t.dispose();

      state.step += 1;
      state.bytesSeen += perStep;
      state.flops += trainingFlopsPerByte(model, config.seqLen, g.stages) * perStep;
      const dt = (performance.now() - t0) / 1000;
      state.wallTime += dt;
      trainSeconds += dt;
      stepsThisProcess += 1;
      lastLoss = g.loss;
      logWindow = {
        loss: logWindow.loss + g.loss,
        aux: logWindow.aux + g.auxLoss,
        gradNorm: logWindow.gradNorm + clipped.norm,
        steps: logWindow.steps + 1,
        trainSeconds: logWindow.trainSeconds + dt,
        bytes: logWindow.bytes + perStep,
      };
      emit({
        type: "step",
        step: state.step,
        totalSteps: total,
        progress: budget === undefined ? state.step / total : Math.min(1, state.flops / budget),
        loss: g.loss,
        lr,
        bytesPerSecond: perStep / dt,
        wallTime: state.wallTime,
      });

      const last = endOfTraining() !== null;
      if (state.step % config.logInterval === 0 || last) {
        const mem = tf.memory();
        const loss = logWindow.loss / logWindow.steps;
        await reporter.report("train", at(), {
          "train/loss": loss,
          "train/bpb": loss / Math.LN2,
          "train/aux_loss": logWindow.aux / logWindow.steps,
          lr,
          grad_norm: logWindow.gradNorm / logWindow.steps,
          "throughput/bytes_per_s": logWindow.bytes / logWindow.trainSeconds,
          "memory/bytes": mem.numBytes,
          "memory/tensors": mem.numTensors,
          ...stageMetrics(g.stages),
        });
        logWindow = emptyWindow();
      }
      if (last) continue; // the loop's head records why it ended
      if (config.eval.interval > 0 && state.step % config.eval.interval === 0) lastVal = await evalVal();
      if (config.checkpoint.interval > 0 && state.step % config.checkpoint.interval === 0) saveNow();
      if (opts.stopAtStep !== undefined && state.step >= opts.stopAtStep) {
        status = "CANCELLED";
        stoppedBy = "cancelled";
        message = `stopped at step ${state.step} as requested; continue with --resume ${runDir}`;
        break;
      }
      await (opts.afterStep ?? yieldToEventLoop)(state.step);
    }

    let test: EvalResult | null = null;
    const robustness: Record<string, number> = {};
    if (status === "COMPLETED") {
      lastVal = await evalVal();
      test = evaluateBpb(model, data.test(config.eval.testWindows, config.eval.batchSize));
      await reporter.report("test", at(), { "test/loss": test.loss, "test/bpb": test.bpb });
      emit({ type: "eval", step: state.step, split: "test", result: test });
      Object.assign(robustness, await evaluateRobustness(model, data, config, rng, reporter, at()));
      saveNow();
    } else if (status === "CANCELLED") {
      saveNow();
    }

    const summary: RunSummary = {
      steps: state.step,
      bytesSeen: state.bytesSeen,
      flops: state.flops,
      wallTime: state.wallTime,
      stepsPerSecond: trainSeconds > 0 ? stepsThisProcess / trainSeconds : 0,
      bytesPerSecond: trainSeconds > 0 ? (stepsThisProcess * perStep) / trainSeconds : 0,
      finalTrainLoss: lastLoss,
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
    writeRunMeta(runDir, {
      ...meta,
      status,
      ...(message ? { message } : {}),
      updatedAt: end,
      ...(status === "COMPLETED" || status === "DIVERGED" ? { finishedAt: end } : {}),
      summary,
    });
    return { status, ...(message ? { message } : {}), runDir, step: state.step, summary };
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
