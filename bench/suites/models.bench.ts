import { loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs";
import {
  ARCHITECTURES,
  type Architecture,
  type ByteLM,
  causalAttention,
  causalAttentionComposite,
  createModel,
  initBackend,
  nextByteCrossEntropy,
} from "../../packages/models/src";
import { useWasmKernelFixes } from "../../packages/models/src/wasm/kernels";
import type { BenchReport, BenchSuite } from "../lib";

// Training throughput of every architecture in the zoo at one ~1M-parameter config (below), sequence length
// 512, batch 8: forward + backward + Adam update (tf.train.adam) per step. Reported per step in wall time and
// in this process's CPU time (the machine is shared, so wall time includes other processes' load; the
// model runs on one thread, so CPU time is what an idle core would take). Achieved GFLOP/s =
// flopsPerByte(512).training * bytes/s. Hierarchical models are compared with the flat Transformer as
// bytes/s ratios. The flat Transformer also runs once with the stock tfjs-backend-wasm kernels (before).
// Below the training rows: the stock wasm BatchMatMul vs bytelab's on the products of an attention layer
// (batch 8 x 4 heads, T = 512, head width 32) and of its linear layers (4096 rows), forward and backward; and
// an attention core (fwd + bwd) as TF.js ops on stock kernels, as ops on bytelab kernels, and fused.
// Target: >= 20 GFLOP/s on the Transformer training step on this 2-core machine (stock wasm: ~2).

const SEQ = 512;
const BATCH = 8;
const TIMED_STEPS = 3;
const TARGET_GFLOPS = 20;

/** ~0.9-1.0M parameters each, 4 Transformer-layer equivalents, width 128, 4 heads of 32. */
const CONFIGS: Record<Architecture, Record<string, unknown>> = {
  transformer: { n_layer: 4, n_head: 4, n_embd: 128, block_size: SEQ },
  hourglass: {
    dim: 128,
    depth: [1, 2, 1],
    shorten_factor: 4,
    heads: 4,
    dim_head: 32,
    max_seq_len: SEQ,
    attn_resampling: false,
  },
  megabyte: { dim: [128, 128], depth: [2, 2], max_seq_len: [SEQ / 4, 4], dim_head: 32, heads: 4 },
  hnet: {
    arch_layout: ["T1", ["T2"], "T1"],
    d_model: [128, 128],
    d_intermediate: [384, 384],
    swiglu_multiple_of: 64,
    attn_cfg: { num_heads: [4, 4], rotary_emb_dim: [16, 16], window_size: [-1, -1] },
  },
};

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Mean wall and CPU time of `steps` calls after `warmup` calls. */
function time(fn: () => void, steps: number, warmup: number): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const c0 = cpuNow();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) fn();
  return { wallMs: (performance.now() - t0) / steps, cpuMs: (cpuNow() - c0) / steps };
}

function byteBatch(seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  let s = seed;
  const data = Int32Array.from({ length: BATCH * (SEQ + 1) }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return 32 + ((s >>> 16) % 95); // printable ASCII
  });
  const all = tf.tensor2d(data, [BATCH, SEQ + 1], "int32");
  const x = all.slice([0, 0], [BATCH, SEQ]) as tf.Tensor2D;
  const y = all.slice([0, 1], [BATCH, SEQ]) as tf.Tensor2D;
  all.dispose();
  return { x, y };
}

/** One training step; returns the per-stage boundary fractions (H-Net) of its forward pass. */
function trainingStep(model: ByteLM, optimizer: tf.Optimizer, x: tf.Tensor2D, y: tf.Tensor2D): number[] {
  let fractions: number[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forward(x, { training: true });
    fractions = (out.stages ?? []).map((s) => s.boundaryFraction);
    const loss = nextByteCrossEntropy(out.logits, y);
    return out.auxLoss ? loss.add(out.auxLoss) : loss;
  }, model.trainableVariables());
  optimizer.applyGradients(grads);
  value.dataSync(); // wait for the step to finish
  tf.dispose([value, ...Object.values(grads)]);
  return fractions;
}

interface ModelResult {
  architecture: string;
  variant: string;
  params: number;
  timing: Timing;
  flopsPerByte: number;
  basis: string;
}

function trainThroughput(
  architecture: Architecture,
  steps: number,
  warmup: number,
  variant: string,
): ModelResult {
  const model = createModel(architecture, CONFIGS[architecture], 0);
  const optimizer = tf.train.adam(1e-3);
  const { x, y } = byteBatch(1);
  let fractions: number[] = [];
  const timing = time(
    () => {
      fractions = trainingStep(model, optimizer, x, y);
    },
    steps,
    warmup,
  );
  const flops = model.flopsPerByte(SEQ, fractions.length ? { compressionRatios: fractions } : undefined);
  const result = {
    architecture,
    variant,
    params: model.paramCount(),
    timing,
    flopsPerByte: flops.training,
    basis: flops.basis,
  };
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return result;
}

/** Products of one attention layer (B*H = 32 slices of T=512, Dh=32) and its linear layers (4096 rows). */
const MATMULS: Array<{ name: string; a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
  { name: "scores q k^T (fwd)", a: [32, 512, 32], b: [32, 512, 32], ta: false, tb: true },
  { name: "weights @ v (fwd)", a: [32, 512, 512], b: [32, 512, 32], ta: false, tb: false },
  { name: "dV = P^T dO (bwd)", a: [32, 512, 512], b: [32, 512, 32], ta: true, tb: false },
  { name: "dP = dO v^T (bwd)", a: [32, 512, 32], b: [32, 512, 32], ta: false, tb: true },
  { name: "linear x W^T (fwd)", a: [4096, 128], b: [512, 128], ta: false, tb: true },
  { name: "linear dW = dy^T x (bwd)", a: [4096, 512], b: [4096, 128], ta: true, tb: false },
];

function matmulFlops(m: (typeof MATMULS)[number]): number {
  const rows = m.ta ? m.a.at(-1)! : m.a.at(-2)!;
  const inner = m.ta ? m.a.at(-2)! : m.a.at(-1)!;
  const cols = m.tb ? m.b.at(-2)! : m.b.at(-1)!;
  const batch = m.a.slice(0, -2).reduce((p, q) => p * q, 1);
  return 2 * batch * rows * inner * cols;
}

function timeMatMul(m: (typeof MATMULS)[number], minMs: number): Timing {
  const a = tf.randomNormal(m.a, 0, 1, "float32", 1);
  const b = tf.randomNormal(m.b, 0, 1, "float32", 2);
  const run = () => tf.matMul(a, b, m.ta, m.tb).dispose();
  run();
  const t0 = performance.now();
  run();
  const once = performance.now() - t0;
  const timing = time(run, Math.max(1, Math.min(20, Math.round(minMs / Math.max(once, 1)))), 0);
  tf.dispose([a, b]);
  return timing;
}

/** One attention layer's core, forward + backward: 6 products of T x T x Dh per (batch, head). */
const ATTENTION_SHAPE = [2, 4, 512, 32] as const;

function timeAttention(attend: typeof causalAttention, minMs: number): Timing {
  const shape: [number, number, number, number] = [...ATTENTION_SHAPE];
  const [q, k, v, w] = [1, 2, 3, 4].map((seed) =>
    tf.randomNormal(shape, 0, 1, "float32", seed),
  ) as tf.Tensor4D[];
  const scale = 1 / Math.sqrt(shape[3]!);
  const run = () =>
    tf.tidy(() => {
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        attend(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, scale)
          .mul(w!)
          .sum(),
      )([q!, k!, v!]);
      grads[0]!.dataSync();
    });
  run();
  const t0 = performance.now();
  run();
  const once = performance.now() - t0;
  const timing = time(run, Math.max(1, Math.min(20, Math.round(minMs / Math.max(once, 1)))), 0);
  tf.dispose([q, k, v, w]);
  return timing;
}

const suite: BenchSuite = {
  name: "models",
  description: `training throughput per architecture (~1M params, T=${SEQ}, batch ${BATCH}) and wasm BatchMatMul stock vs fixed`,
  async run(): Promise<BenchReport> {
    const backend = await initBackend();
    const onWasm = backend.name === "wasm";
    const load = loadavg()[0]!;

    // 1) BatchMatMul: stock vs fixed (wasm only).
    const matmulRows: Array<Array<string | number>> = [];
    const matmulData: Array<Record<string, unknown>> = [];
    let attentionData: Record<string, unknown> | null = null;
    if (onWasm) {
      for (const m of MATMULS) {
        const flops = matmulFlops(m);
        useWasmKernelFixes(false);
        const stock = timeMatMul(m, 300);
        useWasmKernelFixes(true);
        const fixed = timeMatMul(m, 300);
        const shapes = `[${m.a}]${m.ta ? "^T" : ""} x [${m.b}]${m.tb ? "^T" : ""}`;
        const gf = (t: Timing, clock: "cpuMs" | "wallMs") => flops / t[clock] / 1e6;
        matmulRows.push([`matmul ${m.name}, stock`, shapes, "", gf(stock, "cpuMs"), gf(stock, "wallMs"), ""]);
        matmulRows.push([
          `matmul ${m.name}, bytelab`,
          shapes,
          "",
          gf(fixed, "cpuMs"),
          gf(fixed, "wallMs"),
          `${(stock.cpuMs / fixed.cpuMs).toFixed(1)}x stock`,
        ]);
        matmulData.push({ ...m, flops, stock, fixed, speedup: stock.cpuMs / fixed.cpuMs });
      }
      // Attention core fwd + bwd: composite ops on stock kernels, composite on bytelab kernels, fused kernel.
      const [b, h, t, dh] = ATTENTION_SHAPE;
      const flops = 6 * 2 * b * h * t * t * dh;
      useWasmKernelFixes(false);
      const stock = timeAttention(causalAttentionComposite, 300);
      useWasmKernelFixes(true);
      const composite = timeAttention(causalAttentionComposite, 300);
      const fused = timeAttention(causalAttention, 300);
      const shapes = `q, k, v [${ATTENTION_SHAPE}]`;
      const gf = (x: Timing, clock: "cpuMs" | "wallMs") => flops / x[clock] / 1e6;
      matmulRows.push([
        "attention fwd+bwd, stock wasm ops",
        shapes,
        "",
        gf(stock, "cpuMs"),
        gf(stock, "wallMs"),
        "",
      ]);
      matmulRows.push([
        "attention fwd+bwd, ops on bytelab kernels",
        shapes,
        "",
        gf(composite, "cpuMs"),
        gf(composite, "wallMs"),
        `${(stock.cpuMs / composite.cpuMs).toFixed(1)}x stock`,
      ]);
      matmulRows.push([
        "attention fwd+bwd, fused kernel",
        shapes,
        "",
        gf(fused, "cpuMs"),
        gf(fused, "wallMs"),
        `${(stock.cpuMs / fused.cpuMs).toFixed(1)}x stock`,
      ]);
      attentionData = { shape: ATTENTION_SHAPE, flops, stock, composite, fused };
    }

    // 2) Training throughput per architecture (fixed kernels), then the Transformer on stock kernels.
    const results: ModelResult[] = [];
    for (const arch of ARCHITECTURES) results.push(trainThroughput(arch, TIMED_STEPS, 1, "bytelab kernels"));
    if (onWasm) {
      useWasmKernelFixes(false);
      try {
        results.push(trainThroughput("transformer", 1, 0, "stock wasm kernels"));
      } finally {
        useWasmKernelFixes(true);
      }
    }

    const bytes = BATCH * SEQ;
    const flat = results.find((r) => r.architecture === "transformer" && r.variant === "bytelab kernels")!;
    const bytesPerS = (r: ModelResult, t: "wallMs" | "cpuMs") => (1000 * bytes) / r.timing[t];
    const gflops = (r: ModelResult, t: "wallMs" | "cpuMs") => (r.flopsPerByte * bytesPerS(r, t)) / 1e9;
    const trainRows = results.map((r) => [
      `train ${r.architecture}${r.variant === "stock wasm kernels" ? " (stock wasm)" : ""}`,
      `${(r.params / 1e6).toFixed(2)}M params`,
      Math.round(bytesPerS(r, "cpuMs")),
      gflops(r, "cpuMs"),
      gflops(r, "wallMs"),
      `${(bytesPerS(r, "cpuMs") / bytesPerS(flat, "cpuMs")).toFixed(2)}x transformer`,
    ]);

    const stockFlat = results.find((r) => r.variant === "stock wasm kernels");
    const summary = [
      `backend: ${backend.name}${backend.wasm ? ` (${backend.wasm.kernelFixes.join(", ")} replaced)` : ""}; 1-min load average at start ${load.toFixed(1)} on ${2} cores`,
      `transformer training: ${gflops(flat, "cpuMs").toFixed(1)} GFLOP/s per CPU-second (${gflops(flat, "wallMs").toFixed(1)} wall), target ${TARGET_GFLOPS}: ${gflops(flat, "cpuMs") >= TARGET_GFLOPS ? "met" : "not met"}`,
      ...(stockFlat
        ? [
            `stock wasm kernels: ${gflops(stockFlat, "cpuMs").toFixed(2)} GFLOP/s per CPU-second -> bytelab kernels ${(stockFlat.timing.cpuMs / flat.timing.cpuMs).toFixed(1)}x faster`,
          ]
        : []),
      ...results
        .filter((r) => r.architecture !== "transformer")
        .map(
          (r) =>
            `${r.architecture} trains ${(bytesPerS(r, "cpuMs") / bytesPerS(flat, "cpuMs")).toFixed(2)}x the flat Transformer's bytes/s at ${(r.params / 1e6).toFixed(2)}M vs ${(flat.params / 1e6).toFixed(2)}M params`,
        ),
      ...(matmulData.length
        ? [
            `BatchMatMul speed-up over stock wasm: ${matmulData.map((d) => `${(d.speedup as number).toFixed(0)}x`).join(", ")} (rows above)`,
          ]
        : []),
    ];

    return {
      title: `Models: training steps at T=${SEQ}, batch ${BATCH}; wasm BatchMatMul stock vs bytelab ("cpu" = per CPU-second of this process, "wall" = elapsed)`,
      columns: ["case", "size / shapes", "bytes/s (cpu)", "GFLOP/s (cpu)", "GFLOP/s (wall)", "ratio"],
      rows: [...trainRows, ...matmulRows],
      summary,
      data: {
        backend,
        loadAverage: load,
        seqLen: SEQ,
        batch: BATCH,
        configs: CONFIGS,
        training: results.map((r) => ({
          ...r,
          bytesPerSecondWall: bytesPerS(r, "wallMs"),
          bytesPerSecondCpu: bytesPerS(r, "cpuMs"),
          gflopsWall: gflops(r, "wallMs"),
          gflopsCpu: gflops(r, "cpuMs"),
          vsTransformer: bytesPerS(r, "cpuMs") / bytesPerS(flat, "cpuMs"),
        })),
        matmul: matmulData,
        attention: attentionData,
      },
    };
  },
};

export default suite;
