import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { WasmBackend } from "./heap";

/**
 * bytelab's optional native CPU kernels (packages/models/native: an N-API addon on a CBLAS, OpenBLAS on
 * Linux, Accelerate on macOS). They run multi-threaded directly on the wasm backend's heap, so tensors stay
 * where TF.js keeps them and nothing is copied. Absent (not built, no BLAS, BYTELAB_NATIVE=0) -> the wasm
 * kernels (XNNPACK) run instead; `nativeStatus()` says which and why.
 */
export interface NativeAddon {
  setHeap(buffer: ArrayBufferLike): void;
  setThreads(n: number): number;
  threads(): number;
  info(): { blas: string; config?: string; core?: string; threads: number };
  gemm(
    a: number,
    b: number,
    c: number,
    batch: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    strideA: number,
    strideB: number,
    strideC: number,
    alpha: number,
    beta: number,
  ): void;
  linearForward(
    x: number,
    w: number,
    b: number,
    y: number,
    rows: number,
    inDim: number,
    outDim: number,
  ): void;
  linearBackward(...args: number[]): void;
  attentionForward(...args: number[]): void;
  attentionBackward(...args: number[]): void;
  normForward(...args: number[]): void;
  normBackward(...args: number[]): void;
  gelu(x: number, y: number, n: number): void;
  rotary(...args: number[]): void;
  swiglu(h: number, out: number, rows: number, H: number, gateFirst: number): void;
  swigluGrad(h: number, dy: number, dh: number, rows: number, H: number, gateFirst: number): void;
  geluGrad(x: number, dy: number, dx: number, n: number): void;
  crossEntropy(logits: number, targets: number, rows: number, vocab: number): number;
  crossEntropyGrad(
    logits: number,
    targets: number,
    dlogits: number,
    rows: number,
    vocab: number,
    scale: number,
  ): void;
  sumSquares(table: Float64Array): number;
  /** Copies a view of 4-byte elements: table = [shape..., srcStrides..., dstStrides...] (elements). */
  copy(srcOffset: number, dstOffset: number, table: Float64Array): void;
  adamw(
    table: Float64Array,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    sqrtBc2: number,
    eps: number,
    gradScale: number,
  ): void;
}

export interface NativeStatus {
  /** The addon loaded and its kernels are used. */
  loaded: boolean;
  /** Where the addon is (or would be) loaded from. */
  path: string;
  /** Why it is not loaded (not built, disabled, failed), or empty. */
  reason?: string;
  /** BLAS the addon was built against, e.g. "OpenBLAS 0.3.21 ... SkylakeX". */
  blas?: string;
  /** Threads the kernels use, and where that number came from. */
  threads?: number;
  threadsFrom?: string;
}

/**
 * The built addon (node-gyp's output folder). `npm run build:native` builds it. A plain path, not
 * `new URL(..., import.meta.url)`: Next's bundler treats that form as an asset the build must find, so a web
 * build on a host without the (optional) addon failed.
 */
export const NATIVE_ADDON_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  ["..", "..", "native", "build", "Release", "bytelab_native.node"].join(sep),
);
export const NATIVE_BUILD_COMMAND = "npm run build:native";

let addon: NativeAddon | null = null;
let status: NativeStatus | null = null;

/** Parses BYTELAB_NATIVE: "0" / "false" / "off" disables the addon; unset, "1", "auto" use it when built. */
export function nativeDisabledByEnv(value: string | undefined = process.env.BYTELAB_NATIVE): boolean {
  const v = value?.trim().toLowerCase();
  return v === "0" || v === "false" || v === "off" || v === "no";
}

/**
 * Threads for the native kernels: BYTELAB_THREADS when set; else the host's cores shared among the
 * worker's slots (WORKER_SLOTS runs training at once on this host, each gets cores / slots, at least 1).
 */
export function nativeThreadPlan(
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
): {
  threads: number;
  from: string;
} {
  const explicit = Number.parseInt(env.BYTELAB_THREADS ?? "", 10);
  if (Number.isFinite(explicit) && explicit >= 1) return { threads: explicit, from: "BYTELAB_THREADS" };
  const slots = Number.parseInt(env.WORKER_SLOTS ?? "", 10);
  if (Number.isFinite(slots) && slots >= 1)
    return {
      threads: Math.max(1, Math.floor(cores / slots)),
      from: `${cores} cores / WORKER_SLOTS=${slots}`,
    };
  return { threads: cores, from: `${cores} cores, one run` };
}

/** Loads the addon once (unless disabled or absent); the reason is kept for `nativeStatus()`. */
export function loadNative(): NativeAddon | null {
  if (status) return addon;
  const path = process.env.BYTELAB_NATIVE_PATH || NATIVE_ADDON_PATH;
  if (nativeDisabledByEnv()) {
    status = { loaded: false, path, reason: "disabled by BYTELAB_NATIVE=0" };
    return null;
  }
  if (!existsSync(path)) {
    status = {
      loaded: false,
      path,
      reason: `not built (run \`${NATIVE_BUILD_COMMAND}\`; needs a C compiler and OpenBLAS: apt-get install -y build-essential libopenblas-dev)`,
    };
    return null;
  }
  try {
    const loaded = createRequire(import.meta.url)(path) as NativeAddon & { unavailable?: string };
    if (loaded.unavailable) {
      status = { loaded: false, path, reason: loaded.unavailable };
      return null;
    }
    const plan = nativeThreadPlan();
    const threads = loaded.setThreads(plan.threads);
    const info = loaded.info();
    addon = loaded;
    status = {
      loaded: true,
      path,
      blas: info.config ?? info.blas,
      threads,
      threadsFrom: plan.from,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    status = {
      loaded: false,
      path,
      reason: `failed to load (${message}); rebuild with \`${NATIVE_BUILD_COMMAND}\``,
    };
  }
  return addon;
}

export function nativeStatus(): NativeStatus {
  loadNative();
  return { ...status! };
}

/** Changes the native kernels' thread count (benchmarks); returns the count now in effect. */
export function setNativeThreads(threads: number): number {
  const a = loadNative();
  if (!a) return 1;
  const n = a.setThreads(threads);
  status = { ...status!, threads: n, threadsFrom: "setNativeThreads" };
  return n;
}

const heapOf = new WeakMap<NativeAddon, ArrayBufferLike>();

/**
 * The addon with `backend`'s current heap handed to it. Call right before the native call, after every
 * allocation of the kernel (an allocation can grow the wasm memory, which replaces its ArrayBuffer).
 */
export function nativeOn(backend: WasmBackend): NativeAddon {
  const a = addon!;
  const buffer = backend.wasm.HEAPU8.buffer;
  if (heapOf.get(a) !== buffer) {
    a.setHeap(buffer);
    heapOf.set(a, buffer);
  }
  return a;
}
