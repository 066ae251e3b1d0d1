import { cpus } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { nvidiaHost } from "./gpu-host";
import { registerGradientFixes } from "./gradients";
import { quietTfjsNodeBanner } from "./tfjs-banner";
import type { NativeStatus } from "./wasm/native";
import { describeAdapter, startWebGpu, type WebGpuAdapter } from "./webgpu";

/**
 * The one place that picks the TF.js backend for training, evaluation and golden checks.
 * Default order: tfjs-node-gpu (only when a GPU really executes, see below) -> tfjs-node -> wasm (with
 * bytelab's kernel fixes and native kernels) -> cpu. BYTELAB_BACKEND overrides with one of BACKEND_NAMES. An
 * explicit choice that cannot start is an error (it never silently falls back to something slower).
 *
 * A backend counts as a GPU (`kind: "gpu"`) only when TF reports a GPU device in use (tfjs-node-gpu's
 * isUsingGpuDevice) or Dawn gives a hardware adapter (webgpu), and a timed matmul on it beats the CPU path
 * (the wasm backend). tfjs-node-gpu that starts without a GPU (no driver, CUDA 12 without the CUDA 11.2
 * libraries) is libtensorflow on the CPU: it is skipped in the default order and refused when requested.
 *
 * `webgpu` (tfjs-backend-webgpu on Dawn) is never chosen automatically: it cannot read tensors synchronously
 * in Node, which training needs (see webgpu.ts); it runs golden checks and property tests when asked for.
 */
export const BACKEND_NAMES = ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** Tried in this order when BYTELAB_BACKEND is unset. */
export const AUTO_ORDER: readonly BackendName[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];

/** libtensorflow that @tensorflow/tfjs-node(-gpu) 4.22 loads, and what its GPU build needs. */
export const LIBTENSORFLOW = { version: "2.9.1", cuda: "11.2", cudnn: "8.1" } as const;
/**
 * Runs the install scripts bytelab's package.json denies by default (they download libtensorflow from
 * storage.googleapis.com): on a host with internet, once.
 */
export const TFJS_INSTALL_COMMAND = {
  "tensorflow-gpu": "npm rebuild @tensorflow/tfjs-node-gpu --dangerously-allow-all-scripts",
  tensorflow: "npm rebuild @tensorflow/tfjs-node --dangerously-allow-all-scripts",
} as const;

export interface BackendProbe {
  /** Matrix size of the float32 matmul (n x n x n). */
  n: number;
  /** GFLOP/s on this backend. */
  gflops: number;
  /** GFLOP/s of the same probe on the CPU path (cpuBackend), which a GPU must beat. */
  cpuGflops: number;
  cpuBackend: string;
}

export interface BackendInfo {
  /** What bytelab selected. */
  name: BackendName;
  /** tf.getBackend() after initialisation ("tensorflow" for both native bindings). */
  tfBackend: string;
  /** One line: why this backend (requested, or first that started in the default order). */
  reason: string;
  /** What was tried before it and why each failed, in order. */
  notes: string[];
  /** Where the kernels execute, verified: "gpu" only when a GPU ran the probe faster than the CPU path. */
  kind: "gpu" | "cpu";
  /** The device that executes: "NVIDIA H200 (GPU 0)", "google swiftshader (software WebGPU ...)", "cpu: ...". */
  device: string;
  /** NVIDIA driver and the CUDA version it supports (tensorflow-gpu). */
  driver?: string;
  cuda?: string;
  /** The timed matmul that verified a GPU backend. */
  probe?: BackendProbe;
  /** webgpu: the Dawn adapter. */
  adapter?: WebGpuAdapter;
  /**
   * wasm only: SIMD, where the binaries came from, which kernels bytelab replaced, and whether bytelab's
   * native CPU kernels (BLAS, multi-threaded; src/wasm/native.ts) run them, or why not.
   */
  wasm?: { simd: boolean; binaries: string; kernelFixes: string[]; native: NativeStatus };
}

type Verified = Pick<BackendInfo, "kind" | "device" | "driver" | "cuda" | "probe" | "adapter" | "wasm">;
type Attempt = ({ ok: true } & Verified) | { ok: false; why: string };

function describe(error: unknown): string {
  const message =
    error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  return message.split("\n")[0]!.slice(0, 240);
}

/** "cpu: Intel Xeon ... (2 cores)": the device name of every CPU backend (the worker uses the same). */
export function cpuDeviceName(): string {
  const cores = cpus();
  return `cpu: ${cores[0]?.model.trim() || "unknown CPU"} (${cores.length} cores)`;
}

/** GFLOP/s of an n x n x n float32 matmul on the active backend (async reads: webgpu has no sync read). */
export async function matmulGflops(n: number, minMs = 150): Promise<number> {
  const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
  const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
  try {
    const warm = tf.matMul(a, b);
    await warm.data();
    warm.dispose();
    let reps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < minMs || reps < 2) {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
      reps++;
    }
    return (2 * n ** 3 * reps) / ((performance.now() - t0) / 1000) / 1e9;
  } finally {
    tf.dispose([a, b]);
  }
}

/** Probes the active (GPU) backend, then the CPU path, and switches back. */
async function probeAgainstCpu(tfBackend: string): Promise<BackendProbe> {
  const n = 1024;
  const gflops = await matmulGflops(n);
  let cpuBackend = "wasm";
  const { registerWasmBackend } = await import("./wasm/register");
  if (!(await registerWasmBackend()).ok) {
    cpuBackend = "cpu";
    await tf.setBackend("cpu");
  }
  const cpuGflops = await matmulGflops(cpuBackend === "cpu" ? 256 : 512);
  await tf.setBackend(tfBackend);
  return { n, gflops, cpuGflops, cpuBackend };
}

/** The GPU a process pinned by CUDA_VISIBLE_DEVICES uses first, with the driver's versions. */
function nvidiaDevice(): Pick<BackendInfo, "device" | "driver" | "cuda"> {
  const host = nvidiaHost();
  const first = process.env.CUDA_VISIBLE_DEVICES?.split(",")[0]?.trim();
  const gpu =
    host?.gpus.find((g) => first !== undefined && (g.index === first || g.uuid.startsWith(first))) ??
    host?.gpus[0];
  return {
    device: gpu ? `${gpu.name} (GPU ${gpu.index})` : `CUDA device ${first ?? "0"}`,
    ...(host?.driver ? { driver: host.driver } : {}),
    ...(host?.cuda ? { cuda: host.cuda } : {}),
  };
}

/** Why libtensorflow's GPU build found no GPU here, and what fixes it. */
export function noGpuReason(): string {
  const host = nvidiaHost();
  const needs = `libtensorflow ${LIBTENSORFLOW.version} needs CUDA ${LIBTENSORFLOW.cuda} and cuDNN ${LIBTENSORFLOW.cudnn} (libcudart.so.11.0, libcudnn.so.8 on LD_LIBRARY_PATH)`;
  if (!host) return `no NVIDIA driver (nvidia-smi not found); ${needs}`;
  if (host.gpus.length === 0) return `nvidia-smi lists no GPU; ${needs}`;
  const visible = process.env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined && (visible.trim() === "" || visible.trim() === "-1"))
    return `CUDA_VISIBLE_DEVICES=${JSON.stringify(visible)} hides every GPU`;
  const major = Number.parseInt(host.cuda ?? "", 10);
  const cuda12 =
    major >= 12
      ? `; this driver supports CUDA ${host.cuda}, which runs CUDA 11.2 code only when the CUDA 11.2 runtime and cuDNN 8 are installed beside it (or use the gpu Docker image, which has them)`
      : "";
  return `${host.gpus.length} GPU(s) seen by nvidia-smi (driver ${host.driver ?? "?"}) but none used by libtensorflow: ${needs}${cuda12}`;
}

/**
 * A tfjs-node package whose binding failed to load has registered its kernels (and maybe its backend)
 * before the binding threw: remove them, so the other package can register its own cleanly.
 */
function forgetNativeKernels(): void {
  for (const k of tf.getKernelsForBackend("tensorflow")) tf.unregisterKernel(k.kernelName, "tensorflow");
  if (tf.findBackendFactory("tensorflow")) tf.removeBackend("tensorflow");
}

/** Which native binding this process loaded (both register the same "tensorflow" backend). */
let nativeLoaded: "tensorflow-gpu" | "tensorflow" | null = null;

async function loadNative(name: "tensorflow-gpu" | "tensorflow"): Promise<string | null> {
  const pkg = name === "tensorflow-gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  if (nativeLoaded === name) return null;
  if (nativeLoaded) return `${pkg} cannot load: ${nativeLoaded}'s binding is already loaded in this process`;
  try {
    await import(/* @vite-ignore */ pkg);
  } catch (error) {
    forgetNativeKernels();
    const why = describe(error).replace(
      /The Node\.js native addon module \(tfjs_binding\.node\) can not be found at path: (\S+?)\.? *$/,
      "$1 does not exist",
    );
    const broken = /tfjs_binding\.node|can not be found|libtensorflow/i.test(why);
    const code = (error as { code?: string }).code;
    if (
      code === "ERR_MODULE_NOT_FOUND" ||
      code === "MODULE_NOT_FOUND" ||
      /Cannot find (package|module)/.test(why)
    )
      return `${pkg} is not installed (npm drops this optional dependency when it cannot install it)`;
    return broken
      ? `${pkg} is installed but its native binding is missing (its install script, which downloads libtensorflow ${LIBTENSORFLOW.version}, has not run: ${why})`
      : `${pkg} did not load (${why})`;
  }
  nativeLoaded = name;
  return null;
}

async function tryNative(name: "tensorflow-gpu" | "tensorflow", requested: boolean): Promise<Attempt> {
  // tfjs-node-gpu on a host without a usable GPU is libtensorflow on the CPU: the same as tfjs-node.
  const via = name === "tensorflow" && nativeLoaded === "tensorflow-gpu" ? "tensorflow-gpu" : name;
  const failed = await loadNative(via);
  if (failed) return { ok: false, why: failed };
  try {
    if (!(await tf.setBackend("tensorflow")))
      return { ok: false, why: `its "tensorflow" backend did not start` };
  } catch (error) {
    return { ok: false, why: `loaded but failed to start (${describe(error)})` };
  }
  if (name === "tensorflow") return { ok: true, kind: "cpu", device: cpuDeviceName() };
  const usingGpu = Boolean((tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice);
  if (!usingGpu) return { ok: false, why: `libtensorflow started on the CPU: ${noGpuReason()}` };
  const probe = await probeAgainstCpu("tensorflow");
  const info = nvidiaDevice();
  if (probe.gflops <= probe.cpuGflops && !requested)
    return {
      ok: false,
      why: `${info.device} ran the ${probe.n}^3 matmul probe at ${probe.gflops.toFixed(1)} GFLOP/s, not faster than the CPU path (${probe.cpuBackend} ${probe.cpuGflops.toFixed(1)} GFLOP/s)`,
    };
  return { ok: true, kind: "gpu", ...info, probe };
}

async function tryWebGpu(requested: boolean): Promise<Attempt> {
  const started = await startWebGpu();
  if (!started.ok) return { ok: false, why: started.why };
  const adapter = started.adapter;
  // A software adapter executes on the CPU: fine for correctness checks, never a GPU (and never probed: it
  // runs at a fraction of a GFLOP/s).
  if (adapter.software) return { ok: true, kind: "cpu", device: describeAdapter(adapter), adapter };
  const probe = await probeAgainstCpu("webgpu");
  if (probe.gflops <= probe.cpuGflops && !requested)
    return {
      ok: false,
      why: `${describeAdapter(adapter)} ran the matmul probe at ${probe.gflops.toFixed(1)} GFLOP/s, not faster than the CPU path (${probe.cpuBackend} ${probe.cpuGflops.toFixed(1)} GFLOP/s)`,
    };
  return { ok: true, kind: "gpu", device: describeAdapter(adapter), probe, adapter };
}

async function tryBackend(name: BackendName, requested: boolean): Promise<Attempt> {
  switch (name) {
    case "tensorflow-gpu":
    case "tensorflow":
      return tryNative(name, requested);
    case "webgpu":
      return tryWebGpu(requested);
    case "wasm": {
      const { registerWasmBackend } = await import("./wasm/register");
      const status = await registerWasmBackend();
      if (!status.ok) return { ok: false, why: `wasm did not start (${status.error ?? "unknown reason"})` };
      return {
        ok: true,
        kind: "cpu",
        device: cpuDeviceName(),
        wasm: {
          simd: status.simd,
          binaries: status.binaries,
          kernelFixes: status.kernelFixes,
          native: status.native,
        },
      };
    }
    case "cpu":
      return (await tf.setBackend("cpu"))
        ? { ok: true, kind: "cpu", device: cpuDeviceName() }
        : { ok: false, why: "the cpu backend did not start" };
  }
}

/** Parses BYTELAB_BACKEND; empty or unset means "choose automatically". */
export function parseBackendName(value: string | undefined): BackendName | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(
    `BYTELAB_BACKEND=${JSON.stringify(v)} is not a backend; set it to one of: ${BACKEND_NAMES.join(", ")} (or unset it to choose automatically)`,
  );
}

let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

async function select(requested: BackendName | undefined): Promise<BackendInfo> {
  const notes: string[] = [];
  const candidates = requested ? [requested] : AUTO_ORDER;
  for (const name of candidates) {
    const attempt = await tryBackend(name, requested !== undefined);
    if (attempt.ok) {
      await tf.ready();
      const reason = requested
        ? `BYTELAB_BACKEND=${requested}`
        : notes.length
          ? `first available in the default order (${notes.length} faster option${notes.length > 1 ? "s" : ""} unavailable)`
          : "first in the default order";
      const { ok: _ok, ...verified } = attempt;
      return { name, tfBackend: tf.getBackend(), reason, notes, ...verified };
    }
    notes.push(`${name}: ${attempt.why}`);
  }
  if (requested) throw new Error(`BYTELAB_BACKEND=${requested} could not be started: ${notes.join("; ")}`);
  throw new Error(`no TF.js backend could be started: ${notes.join("; ")}`);
}

/**
 * Initialises the backend (once per process; calls share the result) and reports which one runs and why.
 * `requested` defaults to BYTELAB_BACKEND. Asking for a different backend later switches to it.
 */
export async function initBackend(
  requested: string | undefined = process.env.BYTELAB_BACKEND,
): Promise<BackendInfo> {
  const wanted = parseBackendName(requested);
  registerGradientFixes();
  // bytelab says which backend runs and why; TF.js's "install the node backend" banner would only repeat it.
  quietTfjsNodeBanner();
  if (pending) await pending.catch(() => undefined);
  if (current && (!wanted || wanted === current.name) && tf.getBackend() === current.tfBackend)
    return current;
  pending = select(wanted);
  try {
    current = await pending;
    return current;
  } finally {
    pending = null;
  }
}

/** The backend chosen by `initBackend`, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}

/**
 * One line for logs and run metadata, e.g. "wasm (SIMD, 9 kernel fixes, native OpenBLAS x2 threads): first
 * available in the default order".
 */
export function describeBackend(info: BackendInfo): string {
  const native = info.wasm?.native;
  const nativeText = native?.loaded
    ? `, native ${(native.blas ?? "BLAS").replace(/ NO_LAPACKE.*$/, "")} x${native.threads} thread${native.threads === 1 ? "" : "s"}`
    : native
      ? ", no native kernels"
      : "";
  const extra = info.wasm
    ? ` (${info.wasm.simd ? "SIMD" : "no SIMD"}, ${info.wasm.kernelFixes.length} kernel fixes${nativeText})`
    : "";
  const where =
    info.kind === "gpu"
      ? ` on ${info.device} (GPU${info.probe ? `, matmul ${info.probe.gflops.toFixed(0)} GFLOP/s vs CPU path ${info.probe.cpuGflops.toFixed(0)}` : ""})`
      : info.adapter
        ? ` on ${info.device}`
        : " on the CPU";
  return `${info.name}${extra}${where}: ${info.reason}`;
}
