import {
  findBackend,
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs";
import { batchMatMulConfig } from "./batch-mat-mul";
import { castConfig } from "./cast";
import { causalAttentionConfig, causalAttentionGradConfig } from "./causal-attention";
import { gatherV2Config } from "./gather-v2";
import { identityConfig } from "./identity";
import { loadNative } from "./native";
import { NATIVE_COPY_KERNELS } from "./native-copies";
import { NATIVE_FUSED_KERNELS, NATIVE_KERNEL_REPLACEMENTS } from "./native-kernels";
import { sliceConfig } from "./slice";
import { splitVConfig } from "./split-v";
import { captureStockKernel, stockKernelFunc } from "./stock";
import { sumConfig } from "./sum";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum";

/**
 * The wasm kernels bytelab replaces (faster or correct versions of the stock ones, or missing ones), plus
 * its own fused causal attention (forward and gradient), which src/layers/causal-attention.ts uses when present.
 */
export const WASM_KERNEL_FIXES: readonly KernelConfig[] = [
  batchMatMulConfig,
  sliceConfig,
  splitVConfig,
  gatherV2Config,
  unsortedSegmentSumConfig,
  identityConfig,
  castConfig,
  sumConfig,
  causalAttentionConfig,
  causalAttentionGradConfig,
];

let fixesActive = false;
let nativeActive = false;

/** The kernel configs that should be registered now, by kernel name. */
function wanted(): Map<string, KernelConfig> {
  const out = new Map<string, KernelConfig>();
  if (!fixesActive) return out;
  for (const c of WASM_KERNEL_FIXES) out.set(c.kernelName, c);
  if (nativeActive) for (const c of NATIVE_KERNELS) out.set(c.kernelName, c);
  return out;
}

/** Every kernel the native path registers (replacing wasm ones, or new fused ones). */
const NATIVE_KERNELS = [...NATIVE_KERNEL_REPLACEMENTS, ...NATIVE_COPY_KERNELS, ...NATIVE_FUSED_KERNELS];
const MANAGED = [...WASM_KERNEL_FIXES, ...NATIVE_KERNELS];

/** Registers what `wanted()` says for every kernel bytelab manages, the stock kernel (if any) otherwise. */
function apply(): void {
  const configs = wanted();
  const names = new Set(MANAGED.map((c) => c.kernelName));
  for (const kernelName of names) {
    const original = captureStockKernel(kernelName);
    const target = configs.get(kernelName) ?? original;
    const current = getKernel(kernelName, "wasm");
    if (current?.kernelFunc === target?.kernelFunc) continue;
    if (current) unregisterKernel(kernelName, "wasm");
    if (!target) continue;
    registerKernel(target);
    if (target === original) {
      // A stock kernel registered after the backend started has not run its setup (cwrap of its C function).
      const backend = findBackend("wasm");
      if (backend) stockKernelFunc(kernelName, backend);
    }
  }
}

/**
 * Registers (true) or removes (false) bytelab's wasm kernels, restoring the stock ones when removed.
 * Kernels are looked up per call, so this takes effect immediately (benchmarks compare both side by side).
 * The kernels read everything from the backend they are called with, so no setup step is needed.
 * The native kernels (useNativeKernels) only run while the fixes are on.
 */
export function useWasmKernelFixes(enabled: boolean): void {
  if (enabled === fixesActive) return;
  fixesActive = enabled;
  apply();
}

/**
 * Runs bytelab's native kernels (native.ts) in place of the wasm ones, when the addon loads (true), or goes
 * back to the wasm kernels (false: the fallback path, also for side-by-side benchmarks and tests). Returns
 * whether native kernels are active now.
 */
export function useNativeKernels(enabled: boolean): boolean {
  const next = enabled && loadNative() !== null;
  if (next !== nativeActive) {
    nativeActive = next;
    apply();
  }
  return nativeActive;
}

/**
 * Runs the setup (the cwrap of its C function) of every stock kernel bytelab replaces, on the started
 * backend. TF.js only sets up kernels registered when the backend starts, and stock kernels call each other
 * directly (the stock Sum and Max transpose their input with the stock Transpose's C function), so a
 * replaced stock kernel must still be set up. registerWasmBackend calls this once the backend runs.
 */
export function setUpStockKernels(backend: object): void {
  for (const name of new Set(MANAGED.map((c) => c.kernelName))) {
    if (captureStockKernel(name)?.setupFunc) stockKernelFunc(name, backend);
  }
}

export function wasmKernelFixesActive(): boolean {
  return fixesActive;
}

export function nativeKernelsActive(): boolean {
  return fixesActive && nativeActive;
}

/** Names of the kernels bytelab replaces or adds on the wasm backend (native ones included when active). */
export function wasmKernelFixNames(): string[] {
  return [...wanted().keys()];
}
