import { cpus } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { ARCHITECTURES, type Architecture, describeBackend, initBackend } from "../../packages/models/src";
import { useNativeKernels } from "../../packages/models/src/wasm/kernels";
import { nativeStatus, setNativeThreads } from "../../packages/models/src/wasm/native";
import { CATEGORIES, type Category, categoryOf, KernelProfiler } from "../kernel-profile";
import type { BenchReport, BenchSuite } from "../lib";
import { benchConfig, loadNow, type TrainingHarness, trainingHarness } from "../training";

// Where a training step's time goes, per architecture, at the `bytelab train` default shape (small model,
// batch 8 x 128 bytes) and at T = 512 (same models, batch 8 x 512), plus the flat Transformer at d256 (the
// vs-torch suite's large case). Every kernel of the backend is wrapped in a timer (bench/kernel-profile.ts)
// and sorted into matmul / attention / norm+elementwise / cross-entropy / gather / copies; "optimizer" is
// the whole clip + AdamW phase (kernels and JS); "JS overhead" is the forward + backward time no kernel
// accounts for (TF.js engine bookkeeping, tape, tidy, the model's JS). Shares of the median step.
// Measured in this process's CPU time with the native kernels on ONE thread, so the shares are the work a
// step does, not how a loaded host happened to schedule it (the vs-torch suite measures threads and wall
// time). Each case runs on the wasm kernels alone ("wasm", before) and, when the addon is built, on the
// native kernels ("native", after). BYTELAB_PROFILE_CASES=transformer,hnet T512 limits the cases (prefixes
// of their labels); BYTELAB_PROFILE_PATHS=native (or wasm) one path.

const WARMUP = 2;

interface Case {
  label: string;
  arch: Architecture;
  seqLen: number;
  model?: Record<string, unknown>;
  steps: number;
}

const CASES: Case[] = [
  ...ARCHITECTURES.map((arch) => ({ label: `${arch} T128`, arch, seqLen: 128, steps: 5 })),
  ...ARCHITECTURES.map((arch) => ({ label: `${arch} T512`, arch, seqLen: 512, steps: 3 })),
  {
    label: "transformer-d256 T512",
    arch: "transformer",
    seqLen: 512,
    model: { n_embd: 256, n_head: 4, n_layer: 4 },
    steps: 3,
  },
];

const COLUMNS = [...CATEGORIES, "optimizer", "JS overhead"] as const;
type Shares = Record<(typeof COLUMNS)[number], number>;

interface Sample {
  /** CPU time of the step (ms). */
  cpuMs: number;
  /** Wall time of the step (ms). */
  wallMs: number;
  shares: Shares;
  /** [kernel, CPU ms, calls] of the forward + backward phase, largest first. */
  top: Array<[string, number, number]>;
}

function sampleStep(harness: TrainingHarness, profiler: KernelProfiler): Sample {
  const before = tf.memory().numTensors;
  profiler.reset();
  let gradKernels = new Map<string, number>();
  let gradCalls = new Map<string, number>();
  const phases = harness.step(() => {
    gradKernels = new Map(profiler.ms);
    gradCalls = new Map(profiler.calls);
  });
  if (tf.memory().numTensors !== before) throw new Error("a training step leaked tensors");
  const cpuMs = phases.gradCpuMs + phases.optimCpuMs;
  const shares = Object.fromEntries(COLUMNS.map((k) => [k, 0])) as Shares;
  let kernelMs = 0;
  for (const [name, ms] of gradKernels) {
    shares[categoryOf(name) as Category] += ms / cpuMs;
    kernelMs += ms;
  }
  shares.optimizer = phases.optimCpuMs / cpuMs;
  shares["JS overhead"] = Math.max(0, phases.gradCpuMs - kernelMs) / cpuMs;
  const top = [...gradKernels.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 24)
    .map(([k, v]): [string, number, number] => [k, Math.round(v * 10) / 10, gradCalls.get(k) ?? 0]);
  return { cpuMs, wallMs: phases.gradMs + phases.optimMs, shares, top };
}

const suite: BenchSuite = {
  name: "profile",
  description: "share of a training step per kind of work, per architecture, at T=128 and T=512",
  async run(): Promise<BenchReport> {
    const backend = await initBackend();
    const threadsBefore = nativeStatus().threads;
    if (threadsBefore !== undefined) setNativeThreads(1);
    const load = loadNow();
    const rows: Array<Array<string | number>> = [];
    const data: Record<string, unknown> = {
      backend: describeBackend(backend),
      clock: "process CPU time, native kernels on 1 thread",
      loadAverage: load,
    };
    const wanted = process.env.BYTELAB_PROFILE_CASES?.split(",").map((s) => s.trim());
    const paths = (process.env.BYTELAB_PROFILE_PATHS ?? "wasm,native")
      .split(",")
      .map((s) => s.trim())
      .filter((p) => p === "wasm" || (p === "native" && threadsBefore !== undefined));
    try {
      for (const c of CASES) {
        if (wanted && !wanted.some((w) => c.label.startsWith(w))) continue;
        for (const path of paths) {
          useNativeKernels(path === "native");
          const config = benchConfig(c.arch, c.seqLen, c.model);
          const harness = trainingHarness(config);
          const profiler = new KernelProfiler(backend.tfBackend);
          const samples: Sample[] = [];
          // The wasm kernels are several times slower: fewer steps.
          const steps = path === "wasm" ? Math.max(1, Math.ceil(c.steps / 2)) : c.steps;
          try {
            for (let i = 0; i < (path === "wasm" ? 1 : WARMUP); i++) harness.step();
            profiler.start();
            for (let i = 0; i < steps; i++) samples.push(sampleStep(harness, profiler));
          } finally {
            profiler.stop();
          }
          const params = harness.model.paramCount();
          harness.dispose();
          const mid = [...samples].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(samples.length / 2)]!;
          const bytes = config.batchSize * config.seqLen;
          data[`${c.label} ${path}`] = {
            params,
            batch: config.batchSize,
            seqLen: config.seqLen,
            path,
            cpuMs: mid.cpuMs,
            wallMs: mid.wallMs,
            bytesPerCpuSecond: (1000 * bytes) / mid.cpuMs,
            cpuMsSamples: samples.map((s) => s.cpuMs),
            shares: mid.shares,
            topKernels: mid.top,
          };
          rows.push([
            c.label,
            path,
            `${(params / 1e6).toFixed(2)}M`,
            mid.cpuMs,
            Math.round((1000 * bytes) / mid.cpuMs),
            ...COLUMNS.map((k) => `${(100 * mid.shares[k]).toFixed(1)}%`),
          ]);
          console.log(
            `  ${c.label} ${path}: ${mid.cpuMs.toFixed(0)} CPU ms/step; top kernels ${JSON.stringify(mid.top.slice(0, 6))}`,
          );
        }
      }
    } finally {
      useNativeKernels(true);
      if (threadsBefore !== undefined) setNativeThreads(threadsBefore);
    }
    return {
      title: `training step profile (forward + backward + clip + AdamW, batch 8), CPU time, native kernels on one thread; ${describeBackend(backend)}`,
      columns: ["case", "kernels", "params", "CPU ms/step", "bytes/CPU-s", ...COLUMNS],
      rows,
      summary: [
        `1/5/15-min load average at start: ${load} (${cpus().length} cores); CPU time of this process, native kernels on 1 thread`,
        "optimizer = clip + AdamW phase; JS overhead = forward+backward CPU time outside any kernel",
      ],
      data,
    };
  },
};

export default suite;
