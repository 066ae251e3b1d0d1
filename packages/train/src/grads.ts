import { type ByteLM, nextByteCrossEntropy, type StageTelemetry } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";
import { type ByteBatch, batchTensors } from "./batch";
import type { ParamSpec } from "./optim/param-groups";

export interface GradientResult {
  /** Mean LM cross-entropy (nats) over the micro-batches, before the update. */
  loss: number;
  /** Mean auxiliary loss (already weighted by the model; 0 when it has none). */
  auxLoss: number;
  /** Gradients of (loss + auxLoss), averaged over micro-batches, one per ParamSpec (caller disposes). */
  grads: tf.Tensor[];
  /** Telemetry of the last micro-batch, averaged per stage over the micro-batches (H-Net). */
  stages?: StageTelemetry[];
}

/**
 * Forward + backward over `microBatches` (gradient accumulation): grads = mean_k d(lm_k + aux_k)/dθ.
 * A parameter that did not take part in the forward pass gets a zero gradient.
 */
export function computeGradients(
  model: ByteLM,
  params: ParamSpec[],
  microBatches: ByteBatch[],
  /** Seed of micro-batch k's dropout masks (ForwardOptions.seed); none: unseeded dropout. */
  dropoutSeed?: (microBatch: number) => number,
): GradientResult {
  const vars = params.map((p) => p.variable);
  let acc: tf.Tensor[] | null = null;
  let lossSum = 0;
  let auxSum = 0;
  const stageRuns: StageTelemetry[][] = [];
  for (const [k, mb] of microBatches.entries()) {
    const { inputs, targets } = batchTensors(mb);
    const seed = dropoutSeed?.(k);
    let lmValue = Number.NaN;
    let auxValue = 0;
    const { value, grads } = tf.variableGrads(() => {
      const out = model.forward(inputs, { training: true, ...(seed !== undefined ? { seed } : {}) });
      const lm = nextByteCrossEntropy(out.logits, targets);
      lmValue = lm.dataSync()[0]!;
      if (out.stages) stageRuns.push(out.stages);
      if (!out.auxLoss) return lm;
      auxValue = out.auxLoss.dataSync()[0]!;
      return lm.add(out.auxLoss) as tf.Scalar;
    }, vars);
    value.dispose();
    inputs.dispose();
    targets.dispose();
    lossSum += lmValue;
    auxSum += auxValue;
    const list = params.map((p) => grads[p.variable.name] ?? tf.zerosLike(p.variable));
    if (acc === null) acc = list;
    else {
      const prev: tf.Tensor[] = acc;
      acc = prev.map((a, i) => {
        const s = a.add(list[i]!);
        a.dispose();
        list[i]!.dispose();
        return s;
      });
    }
  }
  if (acc === null) throw new Error("computeGradients needs at least one micro-batch");
  const k = microBatches.length;
  if (k > 1) {
    const summed: tf.Tensor[] = acc;
    acc = summed.map((g) => {
      const mean = g.div(k);
      g.dispose();
      return mean;
    });
  }
  return { loss: lossSum / k, auxLoss: auxSum / k, grads: acc, stages: averageStages(stageRuns) };
}

function averageStages(runs: StageTelemetry[][]): StageTelemetry[] | undefined {
  if (runs.length === 0) return undefined;
  const first = runs[0]!;
  return first.map((s, i) => {
    const avg = (f: (t: StageTelemetry) => number) =>
      runs.reduce((a, r) => a + (r[i] ? f(r[i]) : 0), 0) / runs.length;
    return {
      stage: s.stage,
      boundaryFraction: avg((t) => t.boundaryFraction),
      meanBoundaryProb: avg((t) => t.meanBoundaryProb),
      ratioLoss: avg((t) => t.ratioLoss),
      seqLen: avg((t) => t.seqLen),
      chunkedLen: avg((t) => t.chunkedLen),
    };
  });
}
