import { loadavg } from "node:os";
import type { Architecture, ByteLM } from "../packages/models/src";
import { createModel } from "../packages/models/src";
import {
  AdamW,
  buildParamSpecs,
  byteBatch,
  clipScale,
  computeGradients,
  type ParamSpec,
  parseTrainConfig,
  smallDefaults,
  type TrainConfig,
} from "../packages/train/src";

/**
 * The training step the train / profile / vs-torch suites time: forward + backward (computeGradients),
 * global-norm clip and AdamW, exactly as the trainer runs it, on deterministic printable-ASCII batches (or
 * windows of a given corpus). Shared so every suite times the same thing.
 */
export interface StepTimes {
  /** Forward + backward (ms, wall). */
  gradMs: number;
  /** Clip + AdamW (ms, wall). */
  optimMs: number;
  /** The same phases in this process's CPU time (ms, all threads). */
  gradCpuMs: number;
  optimCpuMs: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface TrainingHarness {
  config: TrainConfig;
  model: ByteLM;
  params: ParamSpec[];
  /** One step; returns its phase times. `beforeOptimizer` runs between the two phases (profilers). */
  step(beforeOptimizer?: () => void): StepTimes;
  dispose(): void;
}

/** A TrainConfig for `arch` at `seqLen` (smallDefaults), with model overrides (e.g. a wider transformer). */
export function benchConfig(
  arch: Architecture,
  seqLen = 128,
  model?: Record<string, unknown>,
  batchSize = 8,
): TrainConfig {
  const base = smallDefaults(arch, seqLen);
  return parseTrainConfig({
    ...base,
    batchSize,
    model: { ...(base.model as Record<string, unknown>), ...model },
  });
}

/** Windows of `seqLen + 1` bytes: from `corpus` at pseudo-random offsets, or printable ASCII when none. */
export function batchSource(config: TrainConfig, corpus?: Uint8Array): () => Int32Array {
  const window = config.seqLen + 1;
  let seed = 1;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 1;
  };
  return () => {
    const out = new Int32Array(config.batchSize * window);
    for (let r = 0; r < config.batchSize; r++) {
      if (corpus && corpus.length > window) {
        const start = next() % (corpus.length - window);
        for (let i = 0; i < window; i++) out[r * window + i] = corpus[start + i]!;
      } else {
        for (let i = 0; i < window; i++) out[r * window + i] = 32 + (next() % 95);
      }
    }
    return out;
  };
}

export function trainingHarness(config: TrainConfig, corpus?: Uint8Array): TrainingHarness {
  const model = createModel(config.architecture, config.model, config.seed);
  const params = buildParamSpecs(model.trainableVariables(), config.optimizer);
  const optimizer = new AdamW(params, config.optimizer);
  const nextBatch = batchSource(config, corpus);
  const window = config.seqLen + 1;
  return {
    config,
    model,
    params,
    step(beforeOptimizer) {
      const c0 = cpuMs();
      const t0 = performance.now();
      const g = computeGradients(model, params, [byteBatch(nextBatch(), window)]);
      const t1 = performance.now();
      const c1 = cpuMs();
      beforeOptimizer?.();
      const c2 = cpuMs();
      const clip = clipScale(g.grads, config.optimizer.clipNorm);
      optimizer.apply(g.grads, config.optimizer.lr, clip.scale);
      for (const t of g.grads) t.dispose();
      const t2 = performance.now();
      const c3 = cpuMs();
      return { gradMs: t1 - t0, optimMs: t2 - t1, gradCpuMs: c1 - c0, optimCpuMs: c3 - c2 };
    },
    dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function loadNow(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
}
