import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { openDataset } from "../../packages/data/src";
import type { Architecture } from "../../packages/models/src";
import type { BenchReport, BenchSuite } from "../lib";
import { loadNow, median } from "../training";

// bytelab vs PyTorch on the same model, side by side in one run (issue 11). The flat byte Transformer
// (nanoGPT GPT: learned positions, tied embeddings, pre-LayerNorm, exact GELU) trains with the same recipe
// in both (forward, backward, clip 1.0, AdamW lr 3e-3 betas (0.9, 0.95) wd 0.1, batch 8, Brown windows):
// bench/anchors/torch_transformer.py for PyTorch, bench/anchors/bytelab_train.ts for bytelab, each variant
// in its own process. Variants: PyTorch 2 threads and 1 thread; bytelab with its native kernels on 2 and
// 1 threads, and on the wasm kernels alone (BYTELAB_NATIVE=0: the fallback, and "before").
// Then each architecture before (wasm) and after (native) at its `bytelab train` default and at the models
// suite's ~1M-parameter T=512 configs (the hierarchical models' speed-up over the flat one at equal size):
// both on one thread, compared in bytes per CPU-second of the training process, which a loaded host does
// not distort the way it distorts wall time (and beside it the ratio of analytic training FLOPs per byte,
// the speed-up the architecture promises). Last, the slot plan: one run on both cores vs two runs on one
// core each (aggregate bytes/s).
// The host is shared: variants run interleaved for ROUNDS rounds; tables show the best round (what the
// code does when it gets the cores) and the median, and the load average at start. PyTorch 2 threads is
// the better of its default OpenMP settings and OMP_WAIT_POLICY=PASSIVE (spinning threads lose badly to a
// busy host's other processes), so the ratio is never flattered by a handicapped anchor.
// PyTorch: BYTELAB_TORCH_PYTHON (a python with torch 2.x), else python3. Knobs: BYTELAB_VS_TORCH_ROUNDS
// (default 2), BYTELAB_VS_TORCH_QUICK=1 (few steps, smoke test), BYTELAB_VS_TORCH_PARTS=torch,arch,slots.

const ROUNDS = Math.max(1, Number(process.env.BYTELAB_VS_TORCH_ROUNDS ?? 2));
const QUICK = process.env.BYTELAB_VS_TORCH_QUICK === "1";
const PARTS = new Set(
  (process.env.BYTELAB_VS_TORCH_PARTS ?? "torch,arch,slots").split(",").map((s) => s.trim()),
);
const ROOT = join(import.meta.dirname, "..", "..");

interface Shape {
  label: string;
  d: number;
  layers: number;
  heads: number;
  seq: number;
  steps: number;
  warmup: number;
  /** Steps for the slow wasm-only variant. */
  wasmSteps: number;
}

const SHAPES: Shape[] = [
  {
    label: "d128 L4 H4, B8 x T128",
    d: 128,
    layers: 4,
    heads: 4,
    seq: 128,
    steps: 30,
    warmup: 5,
    wasmSteps: 10,
  },
  {
    label: "d256 L4 H4, B8 x T512",
    d: 256,
    layers: 4,
    heads: 4,
    seq: 512,
    steps: 8,
    warmup: 2,
    wasmSteps: 2,
  },
];

/** The models suite's ~1M-parameter configs at T = 512 (4 transformer-layer equivalents, width 128). */
const EQUAL_SIZE: Record<Architecture, Record<string, unknown>> = {
  transformer: { n_layer: 4, n_head: 4, n_embd: 128, block_size: 512 },
  hourglass: {
    dim: 128,
    depth: [1, 2, 1],
    shorten_factor: 4,
    heads: 4,
    dim_head: 32,
    max_seq_len: 512,
    attn_resampling: false,
  },
  megabyte: { dim: [128, 128], depth: [2, 2], max_seq_len: [128, 4], dim_head: 32, heads: 4 },
  hnet: {
    arch_layout: ["T1", ["T2"], "T1"],
    d_model: [128, 128],
    d_intermediate: [384, 384],
    swiglu_multiple_of: 64,
    attn_cfg: { num_heads: [4, 4], rotary_emb_dim: [16, 16], window_size: [-1, -1] },
  },
};
const ARCHS: Architecture[] = ["transformer", "hourglass", "megabyte", "hnet"];

interface RunResult {
  bytesPerSecond: number;
  cpuSeconds: number;
  steps: number;
  params?: number;
  flopsPerByte?: number;
  torch?: string;
  backend?: string;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("close", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(
          new Error(
            `${command} ${args.join(" ")} exited ${code}: ${err.trim().split("\n").slice(-3).join(" | ")}`,
          ),
        );
        return;
      }
      resolve(JSON.parse(line) as RunResult);
    });
  });
}

function bytelab(
  spec: {
    arch: Architecture;
    seqLen: number;
    model?: Record<string, unknown>;
    steps: number;
    warmup: number;
    corpus?: string;
  },
  env: Record<string, string>,
): Promise<RunResult> {
  return run(
    process.execPath,
    ["--import", "tsx", join(ROOT, "bench/anchors/bytelab_train.ts"), JSON.stringify(spec)],
    env,
  );
}

/** A python with torch >= 2, or the reason there is none. */
function findTorch(): { python: string; version: string } | { missing: string } {
  const candidates = [process.env.BYTELAB_TORCH_PYTHON, "python3"].filter((c): c is string => Boolean(c));
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
    const version = r.stdout?.trim();
    if (r.status === 0 && version && Number(version.split(".")[0]) >= 2) return { python, version };
  }
  return {
    missing:
      "no python with torch >= 2: set BYTELAB_TORCH_PYTHON (bench/anchors/README.md: python3 -m venv --system-site-packages .bytelab/torch-venv && .bytelab/torch-venv/bin/pip install --no-deps --no-index torch)",
  };
}

interface Variant {
  label: string;
  run(): Promise<RunResult>;
}

/** Runs every variant ROUNDS times, interleaved (the order rotates each round). */
async function interleaved(variants: Variant[]): Promise<Map<string, RunResult[]>> {
  const results = new Map<string, RunResult[]>(variants.map((v) => [v.label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + round) % variants.length]!;
      try {
        const r = await v.run();
        results.get(v.label)!.push(r);
        console.log(
          `  round ${round + 1}: ${v.label}: ${Math.round(r.bytesPerSecond)} bytes/s (load ${loadNow()})`,
        );
      } catch (error) {
        console.log(`  round ${round + 1}: ${v.label}: failed: ${(error as Error).message}`);
      }
    }
  }
  return results;
}

const best = (rs: RunResult[] | undefined) =>
  rs?.length ? Math.max(...rs.map((r) => r.bytesPerSecond)) : Number.NaN;
const mid = (rs: RunResult[] | undefined) =>
  rs?.length ? median(rs.map((r) => r.bytesPerSecond)) : Number.NaN;
const cpuPerStep = (rs: RunResult[] | undefined) =>
  rs?.length ? median(rs.map((r) => r.cpuSeconds / r.steps)) : Number.NaN;
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(3)}x` : "n/a";

const suite: BenchSuite = {
  name: "vs-torch",
  description:
    "bytelab vs PyTorch 2.x CPU on the same flat Transformer, each architecture before/after, slot plan",
  async run(): Promise<BenchReport> {
    const load = loadNow();
    const corpusFile = join(mkdtempSync(join(tmpdir(), "bytelab-vs-torch-")), "brown.bin");
    const brown = await openDataset("brown", { seqLen: 512 });
    writeFileSync(corpusFile, brown.corpus.bytes);
    const torch = findTorch();
    const rows: Array<Array<string | number>> = [];
    const summary: string[] = [];
    const data: Record<string, unknown> = {
      loadAverage: load,
      rounds: ROUNDS,
      cores: cpus().length,
      quick: QUICK,
    };
    const steps = (n: number) => (QUICK ? Math.min(n, 3) : n);
    const nativeEnv = (threads: number) => ({ BYTELAB_NATIVE: "1", BYTELAB_THREADS: String(threads) });
    const wasmEnv = { BYTELAB_NATIVE: "0" };

    if (PARTS.has("torch")) {
      data.torch =
        "version" in torch ? { python: torch.python, version: torch.version } : { missing: torch.missing };
      for (const shape of SHAPES) {
        const model = { n_embd: shape.d, n_layer: shape.layers, n_head: shape.heads };
        const spec = (n: number) => ({
          arch: "transformer" as const,
          seqLen: shape.seq,
          model,
          steps: steps(n),
          warmup: QUICK ? 1 : shape.warmup,
          corpus: corpusFile,
        });
        const torchArgs = (threads: number) =>
          [
            join(ROOT, "bench/anchors/torch_transformer.py"),
            ...[
              "--d",
              shape.d,
              "--layers",
              shape.layers,
              "--heads",
              shape.heads,
              "--batch",
              8,
              "--seq",
              shape.seq,
            ],
            ...["--threads", threads, "--steps", steps(shape.steps), "--warmup", QUICK ? 1 : shape.warmup],
            ...["--corpus", corpusFile],
          ].map(String);
        const threadsEnv = (n: number) => ({ OMP_NUM_THREADS: String(n), MKL_NUM_THREADS: String(n) });
        const variants: Variant[] = [
          { label: "bytelab native, 2 threads", run: () => bytelab(spec(shape.steps), nativeEnv(2)) },
          { label: "bytelab native, 1 thread", run: () => bytelab(spec(shape.steps), nativeEnv(1)) },
          { label: "bytelab wasm kernels (fallback)", run: () => bytelab(spec(shape.wasmSteps), wasmEnv) },
        ];
        if ("version" in torch) {
          variants.push(
            { label: "PyTorch, 2 threads", run: () => run(torch.python, torchArgs(2), threadsEnv(2)) },
            {
              label: "PyTorch, 2 threads (OMP passive)",
              run: () => run(torch.python, torchArgs(2), { ...threadsEnv(2), OMP_WAIT_POLICY: "PASSIVE" }),
            },
            { label: "PyTorch, 1 thread", run: () => run(torch.python, torchArgs(1), threadsEnv(1)) },
          );
        }
        console.log(`\n  flat Transformer ${shape.label}`);
        const r = await interleaved(variants);
        // PyTorch 2 threads: per round, the better of its two OpenMP settings.
        const torch2 = (r.get("PyTorch, 2 threads") ?? []).map((x, i) => {
          const passive = r.get("PyTorch, 2 threads (OMP passive)")?.[i];
          return passive && passive.bytesPerSecond > x.bytesPerSecond ? passive : x;
        });
        const t2 = best(torch2);
        const t1 = best(r.get("PyTorch, 1 thread"));
        const n2 = best(r.get("bytelab native, 2 threads"));
        const n1 = best(r.get("bytelab native, 1 thread"));
        const w = best(r.get("bytelab wasm kernels (fallback)"));
        const table: Array<[string, RunResult[] | undefined, string]> = [
          [`PyTorch ${"version" in torch ? torch.version : ""}, 2 threads`, torch2, ratio(t2, t2)],
          ["PyTorch, 1 thread", r.get("PyTorch, 1 thread"), ratio(t1, t2)],
          ["bytelab native, 2 threads", r.get("bytelab native, 2 threads"), ratio(n2, t2)],
          ["bytelab native, 1 thread", r.get("bytelab native, 1 thread"), ratio(n1, t2)],
          ["bytelab wasm kernels (fallback)", r.get("bytelab wasm kernels (fallback)"), ratio(w, t2)],
        ];
        for (const [label, rs, vsTorch] of table) {
          rows.push([shape.label, label, Math.round(best(rs)), Math.round(mid(rs)), cpuPerStep(rs), vsTorch]);
        }
        data[`transformer ${shape.label}`] = Object.fromEntries(
          [...r.entries()].map(([k, v]) => [
            k,
            v.map((x) => ({ bytesPerSecond: x.bytesPerSecond, cpuSeconds: x.cpuSeconds, steps: x.steps })),
          ]),
        );
        const bytesPerStep = 8 * shape.seq;
        const cpu1 = bytesPerStep / cpuPerStep(r.get("bytelab native, 1 thread"));
        const torchCpu1 = bytesPerStep / cpuPerStep(r.get("PyTorch, 1 thread"));
        summary.push(
          `${shape.label}: bytelab native 2 threads ${Math.round(n2)} bytes/s = ${ratio(n2, t2)} PyTorch 2 threads (${Math.round(t2)}), target 0.25x: ${n2 / t2 >= 0.25 ? "met" : "NOT met"}; 1 thread vs 1 thread ${ratio(n1, t1)} (per CPU-second ${Math.round(cpu1)} vs ${Math.round(torchCpu1)}: ${ratio(cpu1, torchCpu1)}); native vs wasm kernels ${ratio(n2, w)}`,
        );
      }
      if (!("version" in torch)) summary.push(`PyTorch: ${torch.missing}`);
    }

    if (PARTS.has("arch")) {
      const cases: Array<{
        label: string;
        arch: Architecture;
        seqLen: number;
        model?: Record<string, unknown>;
        n: number;
        wasmN: number;
      }> = [
        ...ARCHS.map((arch) => ({
          label: `${arch} default (B8 x T128)`,
          arch,
          seqLen: 128,
          n: 15,
          wasmN: 6,
        })),
        ...ARCHS.map((arch) => ({
          label: `${arch} ~1M params (B8 x T512)`,
          arch,
          seqLen: 512,
          model: EQUAL_SIZE[arch],
          n: 5,
          wasmN: 2,
        })),
      ];
      console.log("\n  architectures, before (wasm kernels) and after (native kernels), one thread each");
      const variants: Variant[] = cases.flatMap((c) => [
        {
          label: `${c.label}|native`,
          run: () =>
            bytelab(
              {
                arch: c.arch,
                seqLen: c.seqLen,
                model: c.model,
                steps: steps(c.n),
                warmup: QUICK ? 1 : 2,
                corpus: corpusFile,
              },
              nativeEnv(1),
            ),
        },
        {
          label: `${c.label}|wasm`,
          run: () =>
            bytelab(
              {
                arch: c.arch,
                seqLen: c.seqLen,
                model: c.model,
                steps: steps(c.wasmN),
                warmup: 1,
                corpus: corpusFile,
              },
              wasmEnv,
            ),
        },
      ]);
      const r = await interleaved(variants);
      const bytesOf = (c: (typeof cases)[number]) => 8 * c.seqLen;
      /** Bytes per CPU-second (median over rounds). */
      const perCpu = (c: (typeof cases)[number], variant: string) =>
        bytesOf(c) / cpuPerStep(r.get(`${c.label}|${variant}`));
      const flatOf = (c: (typeof cases)[number]) =>
        cases.find((x) => x.arch === "transformer" && x.seqLen === c.seqLen)!;
      const flopsOf = (c: (typeof cases)[number]) =>
        r.get(`${c.label}|native`)?.[0]?.flopsPerByte ?? r.get(`${c.label}|wasm`)?.[0]?.flopsPerByte;
      for (const c of cases) {
        const after = r.get(`${c.label}|native`);
        const before = r.get(`${c.label}|wasm`);
        const params = after?.[0]?.params ?? before?.[0]?.params;
        const flat = flatOf(c);
        const flopsRatio = (flopsOf(flat) ?? Number.NaN) / (flopsOf(c) ?? Number.NaN);
        rows.push([
          c.label,
          `${params ? `${(params / 1e6).toFixed(2)}M params, ` : ""}wasm -> native (1 thread)`,
          `${Math.round(best(before))} -> ${Math.round(best(after))}`,
          `${Math.round(perCpu(c, "wasm"))} -> ${Math.round(perCpu(c, "native"))} per CPU-s`,
          cpuPerStep(after),
          `${ratio(perCpu(c, "native"), perCpu(c, "wasm"))} per CPU-s; vs flat ${ratio(perCpu(c, "wasm"), perCpu(flat, "wasm"))} -> ${ratio(perCpu(c, "native"), perCpu(flat, "native"))} (FLOPs ${Number.isFinite(flopsRatio) ? `${flopsRatio.toFixed(2)}x` : "n/a"})`,
        ]);
      }
      data.architectures = Object.fromEntries(
        [...r.entries()].map(([k, v]) => [
          k,
          v.map((x) => ({
            bytesPerSecond: x.bytesPerSecond,
            cpuSeconds: x.cpuSeconds,
            steps: x.steps,
            flopsPerByte: x.flopsPerByte,
          })),
        ]),
      );
      for (const arch of ARCHS.filter((a) => a !== "transformer")) {
        const c = cases.find((x) => x.arch === arch && x.seqLen === 512)!;
        const flat = flatOf(c);
        summary.push(
          `${arch} at ~1M params, T512, bytes per CPU-second vs the flat Transformer: ${ratio(perCpu(c, "wasm"), perCpu(flat, "wasm"))} on the wasm kernels, ${ratio(perCpu(c, "native"), perCpu(flat, "native"))} on the native kernels (analytic training FLOPs per byte: ${((flopsOf(flat) ?? Number.NaN) / (flopsOf(c) ?? Number.NaN)).toFixed(2)}x fewer)`,
        );
      }
    }

    if (PARTS.has("slots")) {
      console.log(
        "\n  slot plan: one run on 2 threads vs two concurrent runs on 1 thread each (transformer default)",
      );
      const spec = {
        arch: "transformer" as const,
        seqLen: 128,
        steps: steps(30),
        warmup: QUICK ? 1 : 5,
        corpus: corpusFile,
      };
      const plans: Variant[] = [
        { label: "1 run x 2 threads", run: () => bytelab(spec, nativeEnv(2)) },
        {
          label: "2 runs x 1 thread",
          run: async () => {
            const [a, b] = await Promise.all([bytelab(spec, nativeEnv(1)), bytelab(spec, nativeEnv(1))]);
            return {
              bytesPerSecond: a.bytesPerSecond + b.bytesPerSecond,
              cpuSeconds: a.cpuSeconds + b.cpuSeconds,
              steps: a.steps + b.steps,
            };
          },
        },
        {
          label: "2 runs x wasm kernels",
          run: async () => {
            const s = { ...spec, steps: steps(10) };
            const [a, b] = await Promise.all([bytelab(s, wasmEnv), bytelab(s, wasmEnv)]);
            return {
              bytesPerSecond: a.bytesPerSecond + b.bytesPerSecond,
              cpuSeconds: a.cpuSeconds + b.cpuSeconds,
              steps: a.steps + b.steps,
            };
          },
        },
      ];
      const r = await interleaved(plans);
      const one = best(r.get("1 run x 2 threads"));
      for (const p of plans) {
        const rs = r.get(p.label);
        rows.push([
          "slot plan (transformer default)",
          p.label,
          Math.round(best(rs)),
          Math.round(mid(rs)),
          cpuPerStep(rs),
          `${ratio(best(rs), one)} of 1 run x 2 threads (aggregate)`,
        ]);
      }
      const two = best(r.get("2 runs x 1 thread"));
      data.slots = Object.fromEntries([...r.entries()].map(([k, v]) => [k, v.map((x) => x.bytesPerSecond)]));
      summary.push(
        `slot plan on ${cpus().length} cores: 2 runs x 1 thread give ${ratio(two, one)} the aggregate bytes/s of 1 run x 2 threads (a sweep finishes sooner with ${two > one ? "one slot per core" : "one slot using every core"}); threads follow WORKER_SLOTS (cores / slots) or BYTELAB_THREADS`,
      );
    }

    summary.unshift(
      `load average at start ${load} on ${cpus().length} cores (shared host: best of ${ROUNDS} interleaved rounds, median beside it)`,
    );
    return {
      title: `bytelab vs ${"version" in torch ? `PyTorch ${torch.version}` : "PyTorch (not found)"} CPU, same model and recipe (AdamW, clip, batch 8, Brown), bytes/s`,
      columns: ["case", "variant", "bytes/s (best)", "bytes/s (median)", "CPU s/step", "ratio"],
      rows,
      summary,
      data,
    };
  },
};

export default suite;
