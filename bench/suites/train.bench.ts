import { createModel, describeBackend, initBackend } from "../../packages/models/src";
import {
  AdamW,
  ARCHITECTURES,
  buildParamSpecs,
  byteBatch,
  clipScale,
  computeGradients,
  parseTrainConfig,
  smallDefaults,
} from "../../packages/train/src";
import type { BenchReport, BenchSuite } from "../lib";

// One optimizer step (forward + backward + clip + AdamW) of each architecture's small `bytelab train`
// default model, at the CLI's default batch (8 x 128 bytes), on the default backend. Median of STEPS timed
// steps after WARMUP. Compared side by side as ratios to the flat transformer; also the optimizer's share of
// a step. Target: every small default trains at >= 0.5 steps/s on 2 cores (300 steps in < 10 minutes).

const WARMUP = 2;
const STEPS = 5;
const TARGET_STEPS_PER_S = 0.5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const suite: BenchSuite = {
  name: "train",
  description: "training step time of the small default model of each architecture (batch 8 x 128 bytes)",
  async run(): Promise<BenchReport> {
    const backend = await initBackend();
    const rows: Array<Array<string | number>> = [];
    const data: Record<string, unknown> = { backend: backend.tfBackend };
    let baseline: number | undefined;
    for (const arch of ARCHITECTURES) {
      const config = parseTrainConfig(smallDefaults(arch));
      const model = createModel(arch, config.model, 0);
      const params = buildParamSpecs(model.trainableVariables(), config.optimizer);
      const opt = new AdamW(params, config.optimizer);
      const window = config.seqLen + 1;
      let seed = 1;
      const batch = () =>
        byteBatch(
          Int32Array.from({ length: config.batchSize * window }, () => {
            seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
            return 32 + ((seed >>> 16) % 95); // printable ASCII
          }),
          window,
        );
      const grad: number[] = [];
      const optim: number[] = [];
      for (let i = 0; i < WARMUP + STEPS; i++) {
        const t0 = performance.now();
        const g = computeGradients(model, params, [batch()]);
        const t1 = performance.now();
        // As the trainer does: the clip factor goes into the optimizer's pass.
        const clip = clipScale(g.grads, 1);
        opt.apply(g.grads, 1e-3, clip.scale);
        for (const t of g.grads) t.dispose();
        const t2 = performance.now();
        if (i >= WARMUP) {
          grad.push(t1 - t0);
          optim.push(t2 - t1);
        }
      }
      const stepMs = median(grad) + median(optim);
      const bytes = config.batchSize * config.seqLen;
      const flops = model.flopsPerByte(config.seqLen).training * bytes;
      baseline ??= stepMs;
      const row = {
        params: model.paramCount(),
        fwdBwdMs: median(grad),
        optimizerMs: median(optim),
        stepsPerS: 1000 / stepMs,
        bytesPerS: (1000 * bytes) / stepMs,
        gflopPerS: flops / stepMs / 1e6,
        vsTransformer: stepMs / baseline,
      };
      data[arch] = row;
      rows.push([
        arch,
        row.params,
        row.fwdBwdMs,
        row.optimizerMs,
        row.stepsPerS,
        row.bytesPerS,
        row.gflopPerS,
        `${row.vsTransformer.toFixed(2)}x`,
      ]);
      opt.dispose();
      model.dispose();
    }
    const summary = ARCHITECTURES.map((arch) => {
      const r = data[arch] as { stepsPerS: number; optimizerMs: number; fwdBwdMs: number };
      const ok = r.stepsPerS >= TARGET_STEPS_PER_S ? "meets" : "MISSES";
      return `${arch}: ${r.stepsPerS.toFixed(2)} steps/s (${ok} the ${TARGET_STEPS_PER_S} steps/s target); optimizer ${((100 * r.optimizerMs) / (r.optimizerMs + r.fwdBwdMs)).toFixed(1)}% of a step`;
    });
    return {
      title: `training step, small defaults, batch 8 x 128 bytes, backend ${describeBackend(backend)}`,
      columns: [
        "arch",
        "params",
        "fwd+bwd ms",
        "optim ms",
        "steps/s",
        "bytes/s",
        "GFLOP/s",
        "time vs transformer",
      ],
      rows,
      summary,
      data,
    };
  },
};

export default suite;
